package dev.twin.core.tensor;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one Jackson configuration for checkpoint headers and index files: strict, so corrupt JSON is not half-read. */
final class Json {
    private Json() {
    }

    /** Duplicate keys and anything after the top-level value are errors (an ambiguous header must not load). */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Jackson's message with its line and column but without the echo of the source, short enough for one line. */
    static String shortMessage(Exception e) {
        String m;
        if (e instanceof JsonProcessingException jpe) {
            m = jpe.getOriginalMessage();
            JsonLocation loc = jpe.getLocation();
            if (loc != null && loc.getLineNr() > 0) {
                m += " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
            }
        } else {
            m = String.valueOf(e.getMessage());
        }
        m = m.replace('\n', ' ');
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }
}
