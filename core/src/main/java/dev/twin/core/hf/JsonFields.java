package dev.twin.core.hf;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twin.core.tensor.CheckpointException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A JSON object read from one file, with typed access whose every error names the file and the key. Strict parsing:
 * duplicate keys and trailing content are errors, so an ambiguous config is never half-read.
 */
final class JsonFields {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final long MAX_BYTES = 10_000_000L;

    private final Path file;
    private final ObjectNode root;

    private JsonFields(Path file, ObjectNode root) {
        this.file = file;
        this.root = root;
    }

    /** Reads {@code file}, which must hold one JSON object; {@code hint} says what the file is for a missing file. */
    static JsonFields read(Path file, String hint) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "file does not exist (" + hint + ")");
        }
        JsonNode node;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new CheckpointException(file, "is " + Files.size(file) + " bytes, over the limit of "
                        + MAX_BYTES + " for a config file");
            }
            node = MAPPER.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file, "not valid JSON: " + e.getOriginalMessage().replace('\n', ' '), e);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + e, e);
        }
        if (node == null || !node.isObject()) {
            throw new CheckpointException(file, "expected a JSON object, got " + kind(node));
        }
        return new JsonFields(file, (ObjectNode) node);
    }

    /** Writes {@code node} pretty-printed to {@code file} (parent directories created). */
    static void write(Path file, ObjectNode node) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n");
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot write: " + e, e);
        }
    }

    Path file() {
        return file;
    }

    /** The value of {@code key}, null when absent or JSON null. */
    JsonNode get(String key) {
        JsonNode v = root.get(key);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String key) {
        return get(key) != null;
    }

    CheckpointException error(String problem) {
        return new CheckpointException(file, problem);
    }

    private CheckpointException missing(String key, String what) {
        return error("missing key '" + key + "' (" + what + ")");
    }

    private CheckpointException wrongType(String key, JsonNode v, String expected) {
        return error("key '" + key + "' is " + kind(v) + " " + v + ", expected " + expected);
    }

    /** An int-valued key (a JSON integer, or a float with an integral value as some exporters write). */
    int requiredInt(String key, String what) {
        JsonNode v = get(key);
        if (v == null) {
            throw missing(key, what);
        }
        return toInt(key, v);
    }

    int optionalInt(String key, int orElse) {
        JsonNode v = get(key);
        return v == null ? orElse : toInt(key, v);
    }

    private int toInt(String key, JsonNode v) {
        if (!v.isNumber() || !v.canConvertToExactIntegral() || !v.canConvertToInt()) {
            throw wrongType(key, v, "an integer");
        }
        return v.asInt();
    }

    double requiredDouble(String key, String what) {
        JsonNode v = get(key);
        if (v == null) {
            throw missing(key, what);
        }
        return toDouble(key, v);
    }

    double optionalDouble(String key, double orElse) {
        JsonNode v = get(key);
        return v == null ? orElse : toDouble(key, v);
    }

    private double toDouble(String key, JsonNode v) {
        if (!v.isNumber()) {
            throw wrongType(key, v, "a number");
        }
        return v.asDouble();
    }

    String requiredString(String key, String what) {
        JsonNode v = get(key);
        if (v == null) {
            throw missing(key, what);
        }
        return toText(key, v);
    }

    String optionalString(String key, String orElse) {
        JsonNode v = get(key);
        return v == null ? orElse : toText(key, v);
    }

    private String toText(String key, JsonNode v) {
        if (!v.isTextual()) {
            throw wrongType(key, v, "a string");
        }
        return v.textValue();
    }

    boolean optionalBoolean(String key, boolean orElse) {
        JsonNode v = get(key);
        if (v == null) {
            return orElse;
        }
        if (!v.isBoolean()) {
            throw wrongType(key, v, "true or false");
        }
        return v.booleanValue();
    }

    static String kind(JsonNode n) {
        if (n == null || n.isNull()) {
            return "null";
        }
        if (n.isObject()) {
            return "an object";
        }
        if (n.isArray()) {
            return "an array";
        }
        if (n.isTextual()) {
            return "a string";
        }
        if (n.isNumber()) {
            return "a number";
        }
        if (n.isBoolean()) {
            return "a boolean";
        }
        return n.getNodeType().toString().toLowerCase();
    }
}
