package dev.twin.core.tensor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and validated JSON header of one safetensors file: its tensor entries in header order and its metadata.
 * <p>
 * Layout rule (the format's own, which also keeps a file from hiding a second payload): the tensors must cover the
 * data section exactly. Sorted by offset, the first begins at 0, each begins where the previous ends, and the last
 * ends at the end of the file. Gaps, overlaps and trailing bytes are all errors.
 */
record SafetensorsHeader(List<TensorInfo> tensors, Map<String, TensorInfo> byName, Map<String, String> metadata) {

    static final String METADATA_KEY = "__metadata__";

    /**
     * Parses {@code header} (the N bytes after the length prefix) of {@code file}, whose data section holds
     * {@code dataLength} bytes.
     */
    static SafetensorsHeader parse(Path file, byte[] header, long dataLength) {
        JsonNode root = readJson(file, header, "header");
        if (!root.isObject()) {
            throw new CheckpointException(file, "header is not a JSON object (got " + kind(root) + ")");
        }
        List<TensorInfo> tensors = new ArrayList<>();
        Map<String, TensorInfo> byName = new LinkedHashMap<>();
        Map<String, String> metadata = Map.of();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, e.getValue());
            } else {
                TensorInfo t = parseEntry(file, e.getKey(), e.getValue(), dataLength);
                tensors.add(t);
                byName.put(t.name(), t);
            }
        }
        checkCoverage(file, tensors, dataLength);
        return new SafetensorsHeader(Collections.unmodifiableList(tensors), Collections.unmodifiableMap(byName),
                metadata);
    }

    /** Strict UTF-8 (malformed bytes are errors, not replacement characters), then strict JSON. */
    static JsonNode readJson(Path file, byte[] bytes, String what) {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        String text;
        try {
            text = utf8.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(file, what + " is not valid UTF-8", e);
        }
        if (text.isBlank()) {
            throw new CheckpointException(file, what + " is empty, expected a JSON object");
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file, what + " is not valid JSON: " + Json.shortMessage(e), e);
        }
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw new CheckpointException(file, METADATA_KEY + " is not a JSON object (got " + kind(node) + ")");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new CheckpointException(file, METADATA_KEY + " must map strings to strings but '" + e.getKey()
                        + "' is " + kind(e.getValue()));
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private static TensorInfo parseEntry(Path file, String name, JsonNode node, long dataLength) {
        String where = "tensor '" + name + "': ";
        if (!node.isObject()) {
            throw new CheckpointException(file, where + "entry is not a JSON object (got " + kind(node) + ")");
        }
        JsonNode dtypeNode = field(file, where, node, "dtype");
        JsonNode shapeNode = field(file, where, node, "shape");
        JsonNode offsetsNode = field(file, where, node, "data_offsets");
        if (!dtypeNode.isTextual()) {
            throw new CheckpointException(file, where + "dtype is " + kind(dtypeNode) + ", expected a string");
        }
        DType dtype;
        try {
            dtype = DType.parse(dtypeNode.textValue());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, where + e.getMessage());
        }
        if (!shapeNode.isArray()) {
            throw new CheckpointException(file, where + "shape is " + kind(shapeNode) + ", expected an array");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegativeLong(file, where + "shape " + clip(shapeNode) + " dimension " + i, shapeNode.get(i));
        }
        if (!offsetsNode.isArray() || offsetsNode.size() != 2) {
            throw new CheckpointException(file, where + "data_offsets is " + clip(offsetsNode)
                    + ", expected [begin, end]");
        }
        long begin = nonNegativeLong(file, where + "data_offsets begin", offsetsNode.get(0));
        long end = nonNegativeLong(file, where + "data_offsets end", offsetsNode.get(1));
        if (begin > end) {
            throw new CheckpointException(file, where + "data_offsets begin " + begin + " > end " + end);
        }
        long bytes = byteSize(file, where, shape, dtype);
        if (bytes != end - begin) {
            throw new CheckpointException(file, where + "shape " + clip(shapeNode) + " of " + dtype + " needs " + bytes
                    + " bytes but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        if (end > dataLength) {
            throw new CheckpointException(file, where + "data_offsets [" + begin + ", " + end
                    + "] run past the end of the data section (" + dataLength + " bytes): truncated file?");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /** numel · byteSize, refusing shapes whose size does not fit a long (so it cannot wrap to a plausible value). */
    private static long byteSize(Path file, String where, long[] shape, DType dtype) {
        try {
            long n = dtype.byteSize();
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        } catch (ArithmeticException e) {
            throw new CheckpointException(file, where + "shape " + Arrays.toString(shape) + " of " + dtype
                    + " is larger than 2^63 bytes");
        }
    }

    private static void checkCoverage(Path file, List<TensorInfo> tensors, long dataLength) {
        List<TensorInfo> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = 0;
        TensorInfo prev = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < expected) {
                throw new CheckpointException(file, "tensors '" + prev.name() + "' [" + prev.begin() + ", "
                        + prev.end() + ") and '" + t.name() + "' [" + t.begin() + ", " + t.end() + ") overlap");
            }
            if (t.begin() > expected) {
                String after = prev == null ? "the start of the data section" : "tensor '" + prev.name() + "'";
                throw new CheckpointException(file, "gap of " + (t.begin() - expected) + " bytes between " + after
                        + " and tensor '" + t.name() + "' (the format requires tensors to cover the data section"
                        + " without holes)");
            }
            expected = t.end();
            prev = t;
        }
        if (expected != dataLength) {
            throw new CheckpointException(file, (dataLength - expected) + " bytes after the last tensor at offset "
                    + expected + " of a " + dataLength + "-byte data section are not covered by any tensor");
        }
    }

    private static JsonNode field(Path file, String where, JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null) {
            throw new CheckpointException(file, where + "missing field '" + name + "'");
        }
        return v;
    }

    private static long nonNegativeLong(Path file, String what, JsonNode v) {
        if (!v.isIntegralNumber()) {
            throw new CheckpointException(file, what + " is " + clip(v) + ", not an integer");
        }
        if (!v.canConvertToLong()) {
            throw new CheckpointException(file, what + " is " + clip(v) + ", too large");
        }
        long x = v.longValue();
        if (x < 0) {
            throw new CheckpointException(file, what + " is negative (" + x + ")");
        }
        return x;
    }

    static String kind(JsonNode n) {
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
        return n.isNull() ? "null" : n.getNodeType().toString();
    }

    private static String clip(JsonNode n) {
        String s = n.toString();
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
