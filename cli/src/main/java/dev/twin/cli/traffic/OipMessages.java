package dev.twin.cli.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twin.proto.inference.InferParameter;
import dev.twin.proto.inference.InferTensorContents;
import dev.twin.proto.inference.ModelInferRequest;
import dev.twin.proto.inference.ModelInferResponse;
import java.io.IOException;

/**
 * The client side of the Open Inference Protocol as the stack speaks it (DESIGN.md): a request with an id, the
 * parameter {@code task} and one FP32 input [1, d]; a response whose output {@code predicted} holds the class and
 * whose parameters name the {@code task} and {@code cluster_key}.
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

    /** The gRPC ModelInfer message of {@code item}. */
    public static ModelInferRequest proto(TrafficItem item, String model) {
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        for (float v : item.input()) {
            c.addFp32Contents(v);
        }
        return ModelInferRequest.newBuilder().setModelName(model).setId(item.id())
                .putParameters("task", InferParameter.newBuilder().setStringParam(item.task()).build())
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
                        .addShape(1).addShape(item.input().length).setContents(c))
                .build();
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
        Integer predicted = null;
        for (JsonNode o : root.path("outputs")) {
            if ("predicted".equals(o.path("name").asText())) {
                predicted = o.path("data").path(0).asInt();
            }
        }
        if (predicted == null || !root.hasNonNull("id")) {
            throw new IllegalArgumentException("result lacks an id or the output 'predicted': " + root);
        }
        return new Answer(root.get("id").asText(), predicted, params.path("task").asText(),
                params.path("cluster_key").asText(), receivedNanos);
    }

    /** A protobuf response's answer (from gRPC or a protobuf result record). */
    public static Answer fromProto(ModelInferResponse r, long receivedNanos) {
        for (ModelInferResponse.InferOutputTensor o : r.getOutputsList()) {
            if (o.getName().equals("predicted") && o.getContents().getInt64ContentsCount() == 1) {
                return new Answer(r.getId(), (int) o.getContents().getInt64Contents(0), string(r, "task"),
                        string(r, "cluster_key"), receivedNanos);
            }
        }
        throw new IllegalArgumentException("response of '" + r.getId() + "' lacks the output 'predicted'");
    }

    private static String string(ModelInferResponse r, String name) {
        InferParameter p = r.getParametersMap().get(name);
        return p == null ? "" : p.getStringParam();
    }
}
