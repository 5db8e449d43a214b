package dev.twin.merger.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twin.proto.inference.InferParameter;
import dev.twin.proto.inference.InferTensorContents;
import dev.twin.proto.inference.ModelInferResponse;
import dev.twin.proto.routed.Encoding;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Encodes a result as an OIP response in the request's encoding: the REST JSON response body or a protobuf
 * ModelInferResponse. Outputs: {@code logits} FP32 [1, classes] and {@code predicted} INT64 [1]; parameters
 * {@code task}, {@code cluster_key} and {@code router_weights} (task → weight; a JSON object in JSON, its JSON text as
 * a string parameter in protobuf, which has no map values).
 */
public final class ResultEncoder {
    public static final String JSON = "application/json";
    public static final String PROTOBUF = "application/x-protobuf";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ResultEncoder() {
    }

    public static String contentType(Encoding e) {
        return e == Encoding.PROTOBUF ? PROTOBUF : JSON;
    }

    public static byte[] encode(String model, ItemResult r, String clusterKey, Map<String, Float> routerWeights) {
        return r.encoding() == Encoding.PROTOBUF ? protobuf(model, r, clusterKey, routerWeights)
                : json(model, r, clusterKey, routerWeights);
    }

    static byte[] json(String model, ItemResult r, String clusterKey, Map<String, Float> routerWeights) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("model_name", model);
        root.put("id", r.requestId());
        ObjectNode params = root.putObject("parameters");
        params.put("task", r.task());
        params.set("router_weights", weightsNode(routerWeights));
        params.put("cluster_key", clusterKey);
        ArrayNode outputs = root.putArray("outputs");
        ObjectNode logits = outputs.addObject();
        logits.put("name", "logits");
        logits.put("datatype", "FP32");
        logits.putArray("shape").add(1).add(r.logits().length);
        ArrayNode data = logits.putArray("data");
        for (float v : r.logits()) {
            data.add(v);
        }
        ObjectNode pred = outputs.addObject();
        pred.put("name", "predicted");
        pred.put("datatype", "INT64");
        pred.putArray("shape").add(1);
        pred.putArray("data").add(r.predicted());
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write result of request '" + r.requestId() + "'", e);
        }
    }

    private static ObjectNode weightsNode(Map<String, Float> routerWeights) {
        ObjectNode w = MAPPER.createObjectNode();
        routerWeights.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> w.put(e.getKey(), e.getValue()));
        return w;
    }

    static byte[] protobuf(String model, ItemResult r, String clusterKey, Map<String, Float> routerWeights) {
        InferTensorContents.Builder logits = InferTensorContents.newBuilder();
        for (float v : r.logits()) {
            logits.addFp32Contents(v);
        }
        return ModelInferResponse.newBuilder().setModelName(model).setId(r.requestId())
                .putParameters("task", InferParameter.newBuilder().setStringParam(r.task()).build())
                .putParameters("router_weights", InferParameter.newBuilder()
                        .setStringParam(weightsNode(routerWeights).toString()).build())
                .putParameters("cluster_key", InferParameter.newBuilder().setStringParam(clusterKey).build())
                .addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName("logits").setDatatype("FP32")
                        .addShape(1).addShape(r.logits().length).setContents(logits))
                .addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName("predicted")
                        .setDatatype("INT64").addShape(1)
                        .setContents(InferTensorContents.newBuilder().addInt64Contents(r.predicted())))
                .build().toByteArray();
    }
}
