package dev.twin.router.request;

import dev.twin.proto.tensor.Fp32;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.google.protobuf.ByteString;
import dev.twin.proto.routed.Encoding;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses an OIP REST inference request body {"id", "model_name", "parameters":{"task"}, "inputs":[{name, shape,
 * datatype, data}]} with Jackson's streaming parser: the numbers of "data" go straight into one float array (no tree
 * of a node per value), then the checks run in a fixed order so that each bad input gets its one clear reason.
 */
final class JsonRequests {
    // NaN/Infinity tokens parse so that they are rejected as non-finite values, not as broken JSON
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private JsonRequests() {
    }

    /** What the body said, before any check. */
    private static final class Body {
        String id;
        String model;
        String task;
        boolean inputsIsArray;
        final List<Tensor> inputs = new ArrayList<>(1);
    }

    /** One element of "inputs"; {@code shapeText} is set when "shape" is not a list of integers. */
    private static final class Tensor {
        String datatype;
        List<Long> shape;
        String shapeText;
        boolean hasData;
        float[] values = new float[0];
        int count;
        int firstNonFinite = -1;
        final List<String> texts = new ArrayList<>(1);
        // the first data value that is neither a number nor a string (or a string among numbers)
        int badAt = -1;
        String badText;
        // values that are neither numbers nor strings
        int others;
    }

    static InferenceRequest parse(RequestSpec spec, byte[] body, String modelName, String replyTo, boolean idRequired) {
        Checks.size(spec, body.length);
        Body b;
        try (JsonParser p = JSON.createParser(body)) {
            b = read(p, spec.inputSize());
        } catch (JsonProcessingException e) {
            throw new BadRequestException(Problem.NOT_JSON, "body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequestException(Problem.NOT_JSON, "body is not JSON: " + e.getMessage());
        }
        if (b == null) {
            throw new BadRequestException(Problem.NOT_JSON, "body is not a JSON object");
        }
        String id = Checks.id(b.id, idRequired);
        Checks.model(spec, modelName, id);
        // a Kafka record has no URL path: an optional "model_name" (as in the OIP response) names the model
        Checks.model(spec, b.model, id);
        String task = Checks.task(spec, b.task, id);
        if (!b.inputsIsArray) {
            throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id + ": 'inputs' must be an array of 1 tensor");
        }
        Checks.inputCount(b.inputs.size(), id);
        Tensor t = b.inputs.get(0);
        if (Checks.datatypeOrText(spec, t.datatype, id)) {
            Checks.textShape(shape(t, id), id);
            ByteString row = Fp32.encode(Checks.text(spec, text(t, id), id));
            Checks.finite(row, id);
            return new InferenceRequest(id, task, 1, row, Encoding.JSON, replyTo);
        }
        int rows = Checks.rows(spec, shape(t, id), id);
        if (!t.hasData) {
            throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id + ": input has no 'data' array");
        }
        if (t.badAt >= 0) {
            throw new BadRequestException(Problem.WRONG_DATATYPE, "request " + id + ": data value " + t.badAt + " is "
                    + t.badText + ", not an FP32 number");
        }
        Checks.length(spec, t.count, rows, id);
        Checks.finite(t.firstNonFinite, t.firstNonFinite < 0 ? 0 : t.values[t.firstNonFinite], id);
        return new InferenceRequest(id, task, rows, Fp32.encode(t.values, t.count), Encoding.JSON, replyTo);
    }

    /** The body's fields, or null when it is not a JSON object. */
    private static Body read(JsonParser p, int rowSize) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        Body b = new Body();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "id" -> b.id = scalar(p, v);
                case "model_name" -> b.model = scalar(p, v);
                case "parameters" -> {
                    if (v == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            JsonToken pv = p.nextToken();
                            if (name.equals("task")) {
                                b.task = scalar(p, pv);
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                case "inputs" -> {
                    b.inputsIsArray = v == JsonToken.START_ARRAY;
                    if (b.inputsIsArray) {
                        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                            Tensor t = new Tensor();
                            if (e == JsonToken.START_OBJECT) {
                                tensor(p, t, rowSize);
                            } else {
                                p.skipChildren();
                            }
                            b.inputs.add(t);
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        return b;
    }

    /** A scalar's text; null for null, an object or an array (skipped). */
    private static String scalar(JsonParser p, JsonToken v) throws IOException {
        if (v.isScalarValue() && v != JsonToken.VALUE_NULL) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    private static void tensor(JsonParser p, Tensor t, int rowSize) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "datatype" -> t.datatype = scalar(p, v);
                case "shape" -> shape(p, v, t);
                case "data" -> {
                    if (v == JsonToken.START_ARRAY) {
                        t.hasData = true;
                        t.values = new float[rowSize];
                        data(p, t);
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private static void shape(JsonParser p, JsonToken v, Tensor t) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        List<Long> dims = new ArrayList<>(4);
        StringBuilder text = new StringBuilder("[");
        boolean integers = true;
        for (JsonToken d = p.nextToken(); d != JsonToken.END_ARRAY; d = p.nextToken()) {
            text.append(text.length() > 1 ? "," : "").append(d.isStructStart() ? "..." : p.getText());
            if (d == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                dims.add(p.getLongValue());
            } else {
                integers = false;
                p.skipChildren();
            }
        }
        if (integers) {
            t.shape = dims;
        } else {
            t.shapeText = text.append(']').toString();
        }
    }

    /** "data", flat or nested row-major arrays as OIP allows, flattened into t.values (grown as needed). */
    private static void data(JsonParser p, Tensor t) throws IOException {
        int depth = 1;
        while (depth > 0) {
            JsonToken v = p.nextToken();
            if (v == null) {
                throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected end of input in 'data'");
            }
            switch (v) {
                case START_ARRAY -> depth++;
                case END_ARRAY -> depth--;
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    if (t.count == t.values.length) {
                        t.values = java.util.Arrays.copyOf(t.values, Math.max(16, 2 * t.values.length));
                    }
                    float x = (float) p.getDoubleValue();
                    if (!Float.isFinite(x) && t.firstNonFinite < 0) {
                        t.firstNonFinite = t.count;
                    }
                    t.values[t.count++] = x;
                }
                case VALUE_STRING -> {
                    bad(t, "\"" + p.getText() + "\"");
                    t.texts.add(p.getText());
                }
                default -> {
                    bad(t, v == JsonToken.START_OBJECT ? "an object" : p.getText());
                    t.others++;
                    p.skipChildren();
                }
            }
        }
    }

    private static void bad(Tensor t, String text) {
        if (t.badAt < 0) {
            t.badAt = t.count + t.texts.size();
            t.badText = text;
        }
    }

    private static List<Long> shape(Tensor t, String id) {
        if (t.shapeText != null) {
            throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id + ": shape " + t.shapeText
                    + " is not a list of integers");
        }
        if (t.shape == null) {
            throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id + ": input has no 'shape' array");
        }
        return t.shape;
    }

    /** The one string of a BYTES input's "data" (flat or nested, as OIP allows). */
    private static String text(Tensor t, String id) {
        if (!t.hasData || t.texts.size() != 1 || t.count > 0 || t.others > 0) {
            throw new BadRequestException(Problem.WRONG_DATATYPE, "request " + id + ": a BYTES input's 'data' must "
                    + "hold one string, got " + t.texts.size() + " strings, " + t.count + " numbers and " + t.others
                    + " other values");
        }
        return t.texts.get(0);
    }
}
