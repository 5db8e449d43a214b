package dev.twin.merger.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.twin.proto.inference.ModelInferResponse;
import dev.twin.proto.routed.Encoding;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The two result encodings against hand-written expectations. */
class ResultEncoderTest {
    private static final Map<String, Float> W = new LinkedHashMap<>();

    static {
        W.put("beta", 0.25f);
        W.put("alpha", 0.75f);
    }

    @Test
    void jsonIsTheOipRestResponseBody() {
        ItemResult r = new ItemResult("req-1", "alpha", Encoding.JSON, "", new float[]{0.5f, -1.25f, 2f}, 2);
        String json = new String(ResultEncoder.encode("twin", r, "c-7", W), StandardCharsets.UTF_8);
        assertEquals("{\"model_name\":\"twin\",\"id\":\"req-1\",\"parameters\":{\"task\":\"alpha\","
                + "\"router_weights\":{\"alpha\":0.75,\"beta\":0.25},\"cluster_key\":\"c-7\"},\"outputs\":["
                + "{\"name\":\"logits\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[0.5,-1.25,2.0]},"
                + "{\"name\":\"predicted\",\"datatype\":\"INT64\",\"shape\":[1],\"data\":[2]}]}", json);
        assertEquals("application/json", ResultEncoder.contentType(Encoding.JSON));
    }

    @Test
    void protobufIsAModelInferResponse() throws Exception {
        ItemResult r = new ItemResult("req-2", "beta", Encoding.PROTOBUF, "", new float[]{3f, 1f}, 0);
        ModelInferResponse m = ModelInferResponse.parseFrom(ResultEncoder.encode("twin", r, "c-8", W));
        assertEquals("twin", m.getModelName());
        assertEquals("req-2", m.getId());
        assertEquals("beta", m.getParametersOrThrow("task").getStringParam());
        assertEquals("c-8", m.getParametersOrThrow("cluster_key").getStringParam());
        assertEquals("{\"alpha\":0.75,\"beta\":0.25}", m.getParametersOrThrow("router_weights").getStringParam());
        assertEquals("logits", m.getOutputs(0).getName());
        assertEquals(java.util.List.of(1L, 2L), m.getOutputs(0).getShapeList());
        assertEquals(java.util.List.of(3f, 1f), m.getOutputs(0).getContents().getFp32ContentsList());
        assertEquals("INT64", m.getOutputs(1).getDatatype());
        assertEquals(0L, m.getOutputs(1).getContents().getInt64Contents(0));
        assertEquals("application/x-protobuf", ResultEncoder.contentType(Encoding.PROTOBUF));
    }
}
