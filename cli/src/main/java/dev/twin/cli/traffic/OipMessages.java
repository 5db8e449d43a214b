package dev.twin.cli.traffic;

import dev.twin.proto.tensor.Fp32;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twin.proto.inference.InferParameter;
import dev.twin.proto.inference.ModelInferRequest;
import dev.twin.proto.inference.ModelInferResponse;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The client side of the Open Inference Protocol as the stack speaks it (DESIGN.md): a request with an id, the
 * parameter {@code task} and one FP32 input [1, d] (as {@code raw_input_contents} in protobuf, as "data" in JSON); a
 * response of N rows whose output {@code predicted} holds the class per row and whose parameters name the
 * {@code task}, the {@code cluster_key} and the {@code router_weights} (task → w for one row, a list of those for N).
 */
public final class OipMessages {
    public static final String JSON = "application/json";
    public static final String PROTOBUF = "application/x-protobuf";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OipMessages() {
    }

    /** The REST / Kafka JSON body of {@code item}. */
    public static byte[] json(TrafficItem item) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("id", item.id());
        root.putObject("parameters").put("task", item.task());
        ObjectNode input = root.putArray("inputs").addObject();
        input.put("name", "input");
        input.putArray("shape").add(1).add(item.input().length);
        input.put("datatype", "FP32");
        ArrayNode data = input.putArray("data");
        for (float v : item.input()) {
            data.add(v);
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode request " + item.id(), e);
        }
    }

    /** The ModelInfer message of {@code item} (gRPC, or a protobuf Kafka record): the input as raw contents. */
    public static ModelInferRequest proto(TrafficItem item, String model) {
        return ModelInferRequest.newBuilder().setModelName(model).setId(item.id())
                .putParameters("task", InferParameter.newBuilder().setStringParam(item.task()).build())
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
                        .addShape(1).addShape(item.input().length))
                .addRawInputContents(Fp32.encode(item.input()))
                .build();
    }

    /** The Kafka record value of {@code item} in {@code encoding}. */
    public static byte[] request(TrafficItem item, String model, RequestEncoding encoding) {
        return encoding == RequestEncoding.JSON ? json(item) : proto(item, model).toByteArray();
    }

    /** A JSON result record's answer; throws naming what is missing. */
    public static Answer fromJson(byte[] body, long receivedNanos) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("result is not JSON: " + e.getMessage(), e);
        }
        JsonNode params = root.path("parameters");
        List<Integer> predicted = null;
        for (JsonNode o : root.path("outputs")) {
            if ("predicted".equals(o.path("name").asText())) {
                predicted = new ArrayList<>();
                flatten(o.path("data"), predicted);
            }
        }
        if (predicted == null || predicted.isEmpty() || !root.hasNonNull("id")) {
            throw new IllegalArgumentException("result lacks an id or the output 'predicted': " + root);
        }
        return new Answer(root.get("id").asText(), predicted, params.path("task").asText(),
                params.path("cluster_key").asText(), weights(params.get("router_weights")), receivedNanos);
    }

    private static void flatten(JsonNode data, List<Integer> out) {
        for (JsonNode v : data) {
            if (v.isArray()) {
                flatten(v, out);
            } else {
                out.add(v.asInt());
            }
        }
    }

    /** router_weights: {task: w} for one row or [{task: w}, ...] per row; absent: none. */
    private static List<Map<String, Float>> weights(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return List.of();
        }
        if (node.isTextual()) {
            try {
                return weights(MAPPER.readTree(node.asText()));
            } catch (IOException e) {
                throw new IllegalArgumentException("router_weights is not JSON: " + node.asText(), e);
            }
        }
        List<Map<String, Float>> rows = new ArrayList<>();
        for (JsonNode row : node.isArray() ? node : List.of(node)) {
            Map<String, Float> w = new TreeMap<>();
            row.fields().forEachRemaining(e -> w.put(e.getKey(), e.getValue().floatValue()));
            rows.add(w);
        }
        return rows;
    }

    /** A protobuf response's answer (from gRPC or a protobuf result record). */
    public static Answer fromProto(ModelInferResponse r, long receivedNanos) {
        for (ModelInferResponse.InferOutputTensor o : r.getOutputsList()) {
            if (o.getName().equals("predicted") && o.getContents().getInt64ContentsCount() >= 1) {
                List<Integer> predicted = o.getContents().getInt64ContentsList().stream().map(Long::intValue).toList();
                String w = string(r, "router_weights");
                return new Answer(r.getId(), predicted, string(r, "task"), string(r, "cluster_key"),
                        w.isEmpty() ? List.of() : weights(TextNode.valueOf(w)), receivedNanos);
            }
        }
        throw new IllegalArgumentException("response of '" + r.getId() + "' lacks the output 'predicted'");
    }

    private static String string(ModelInferResponse r, String name) {
        InferParameter p = r.getParametersMap().get(name);
        return p == null ? "" : p.getStringParam();
    }
}
