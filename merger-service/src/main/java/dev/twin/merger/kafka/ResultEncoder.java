package dev.twin.merger.kafka;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.proto.inference.InferParameter;
import dev.twin.proto.inference.InferTensorContents;
import dev.twin.proto.inference.ModelInferResponse;
import dev.twin.proto.routed.Encoding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Encodes a result as one OIP response in the request's encoding: the REST JSON response body or a protobuf
 * ModelInferResponse. Outputs: {@code logits} FP32 [N, classes] and {@code predicted} INT64 [N] for a request of N
 * rows; parameters {@code task}, {@code cluster_key} and {@code router_weights}: task → weight for one row, a list of
 * those (one per row) for N > 1; in protobuf, which has no map values, the same JSON text as a string parameter.
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

    public static byte[] encode(String model, ItemResult r) {
        return r.encoding() == Encoding.PROTOBUF ? protobuf(model, r) : json(model, r);
    }

    // streamed field by field (no tree of nodes), in the order of the OIP REST response
    static byte[] json(String model, ItemResult r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + 16 * r.rows() * r.logits()[0].length);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("model_name", model);
            g.writeStringField("id", r.requestId());
            g.writeObjectFieldStart("parameters");
            g.writeStringField("task", r.task());
            g.writeFieldName("router_weights");
            writeWeights(g, r.routerWeights());
            g.writeStringField("cluster_key", r.clusterKey());
            g.writeEndObject();
            g.writeArrayFieldStart("outputs");
            g.writeStartObject();
            g.writeStringField("name", "logits");
            g.writeStringField("datatype", "FP32");
            g.writeArrayFieldStart("shape");
            g.writeNumber(r.rows());
            g.writeNumber(r.logits()[0].length);
            g.writeEndArray();
            g.writeArrayFieldStart("data");
            for (float[] row : r.logits()) {
                for (float v : row) {
                    g.writeNumber(v);
                }
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeStartObject();
            g.writeStringField("name", "predicted");
            g.writeStringField("datatype", "INT64");
            g.writeArrayFieldStart("shape");
            g.writeNumber(r.rows());
            g.writeEndArray();
            g.writeArrayFieldStart("data");
            for (int p : r.predicted()) {
                g.writeNumber(p);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write result of request '" + r.requestId() + "'", e);
        }
        return bytes.toByteArray();
    }

    /** One row: {task: weight} sorted by task; N rows: a list of those. */
    private static void writeWeights(JsonGenerator g, List<Map<String, Float>> perRow) throws IOException {
        if (perRow.size() == 1) {
            writeWeights(g, perRow.get(0));
            return;
        }
        g.writeStartArray();
        for (Map<String, Float> w : perRow) {
            writeWeights(g, w);
        }
        g.writeEndArray();
    }

    private static void writeWeights(JsonGenerator g, Map<String, Float> w) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Float> e : new TreeMap<>(w).entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static String weightsText(List<Map<String, Float>> perRow) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            writeWeights(g, perRow);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static byte[] protobuf(String model, ItemResult r) {
        InferTensorContents.Builder logits = InferTensorContents.newBuilder();
        for (float[] row : r.logits()) {
            for (float v : row) {
                logits.addFp32Contents(v);
            }
        }
        InferTensorContents.Builder predicted = InferTensorContents.newBuilder();
        for (int p : r.predicted()) {
            predicted.addInt64Contents(p);
        }
        return ModelInferResponse.newBuilder().setModelName(model).setId(r.requestId())
                .putParameters("task", InferParameter.newBuilder().setStringParam(r.task()).build())
                .putParameters("router_weights", InferParameter.newBuilder()
                        .setStringParam(weightsText(r.routerWeights())).build())
                .putParameters("cluster_key", InferParameter.newBuilder().setStringParam(r.clusterKey()).build())
                .addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName("logits").setDatatype("FP32")
                        .addShape(r.rows()).addShape(r.logits()[0].length).setContents(logits))
                .addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName("predicted")
                        .setDatatype("INT64").addShape(r.rows()).setContents(predicted))
                .build().toByteArray();
    }
}
