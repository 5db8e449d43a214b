package dev.twin.router.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.twin.proto.routed.Encoding;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Parses an OIP REST inference request body: {"id", "parameters":{"task"}, "inputs":[{name, shape, datatype, data}]}. */
final class JsonRequests {
    // NaN/Infinity tokens parse so that they are rejected as non-finite values, not as broken JSON
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private JsonRequests() {
    }

    static InferenceRequest parse(RequestSpec spec, byte[] body, String modelName, String replyTo) {
        Checks.size(spec, body.length);
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequestException(Problem.NOT_JSON, "body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequestException(Problem.NOT_JSON, "body is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadRequestException(Problem.NOT_JSON, "body is not a JSON object");
        }
        JsonNode idNode = root.get("id");
        String id = Checks.id(idNode != null && idNode.isValueNode() && !idNode.isNull() ? idNode.asText() : null);
        Checks.model(spec, modelName, id);
        // a Kafka record has no URL path: an optional "model_name" (as in the OIP response) names the model
        JsonNode bodyModel = root.get("model_name");
        if (bodyModel != null && !bodyModel.isNull()) {
            Checks.model(spec, bodyModel.asText(), id);
        }
        JsonNode params = root.path("parameters");
        JsonNode taskNode = params.get("task");
        String task = Checks.task(spec, taskNode == null || taskNode.isNull() ? null : taskNode.asText(), id);
        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isArray()) {
            throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id + ": 'inputs' must be an array of 1 tensor");
        }
        Checks.inputCount(inputs.size(), id);
        JsonNode tensor = inputs.get(0);
        JsonNode datatype = tensor.get("datatype");
        float[] x;
        if (Checks.datatypeOrText(spec, datatype == null ? null : datatype.asText(), id)) {
            Checks.textShape(shape(tensor.get("shape"), id), id);
            x = Checks.text(spec, text(tensor.get("data"), id), id);
        } else {
            Checks.shape(spec, shape(tensor.get("shape"), id), id);
            x = data(spec, tensor.get("data"), id);
        }
        Checks.finite(x, id);
        return new InferenceRequest(id, task, x, Encoding.JSON, replyTo);
    }

    /** The one string of a BYTES input's "data" (flat or nested, as OIP allows). */
    private static String text(JsonNode node, String id) {
        JsonNode v = node;
        while (v != null && v.isArray() && v.size() == 1) {
            v = v.get(0);
        }
        if (v == null || !v.isTextual()) {
            throw new BadRequestException(Problem.WRONG_DATATYPE, "request " + id + ": a BYTES input's 'data' must "
                    + "hold one string, got " + node);
        }
        return v.asText();
    }

    private static List<Long> shape(JsonNode node, String id) {
        if (node == null || !node.isArray()) {
            throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id + ": input has no 'shape' array");
        }
        List<Long> shape = new ArrayList<>(node.size());
        for (JsonNode d : node) {
            if (!d.canConvertToLong() || !d.isIntegralNumber()) {
                throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id + ": shape " + node
                        + " is not a list of integers");
            }
            shape.add(d.asLong());
        }
        return shape;
    }

    /** Flattens "data" (flat or nested row-major arrays, as OIP allows) into exactly inputSize floats. */
    private static float[] data(RequestSpec spec, JsonNode node, String id) {
        if (node == null || !node.isArray()) {
            throw new BadRequestException(Problem.WRONG_SHAPE, "request " + id + ": input has no 'data' array");
        }
        float[] x = new float[spec.inputSize()];
        int n = flatten(node, x, 0, id);
        Checks.length(spec, n, id);
        return x;
    }

    private static int flatten(JsonNode node, float[] x, int at, String id) {
        for (JsonNode v : node) {
            if (v.isArray()) {
                at = flatten(v, x, at, id);
            } else if (v.isNumber()) {
                if (at < x.length) {
                    x[at] = (float) v.doubleValue();
                }
                at++;
            } else {
                throw new BadRequestException(Problem.WRONG_DATATYPE, "request " + id + ": data value " + at + " is "
                        + v + ", not an FP32 number");
            }
        }
        return at;
    }
}
