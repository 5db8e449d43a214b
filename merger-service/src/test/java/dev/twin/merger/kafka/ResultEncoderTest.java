package dev.twin.merger.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.twin.proto.inference.ModelInferResponse;
import dev.twin.proto.routed.Encoding;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The two result encodings against hand-written expectations, for one row and for a request of N rows. */
class ResultEncoderTest {
    private static final Map<String, Float> W = new LinkedHashMap<>();

    static {
        W.put("beta", 0.25f);
        W.put("alpha", 0.75f);
    }

    @Test
    void jsonIsTheOipRestResponseBody() {
        ItemResult r = new ItemResult("req-1", "alpha", Encoding.JSON, "", "c-7",
                new float[][]{{0.5f, -1.25f, 2f}}, new int[]{2}, List.of(W));
        String json = new String(ResultEncoder.encode("twin", r), StandardCharsets.UTF_8);
        assertEquals("{\"model_name\":\"twin\",\"id\":\"req-1\",\"parameters\":{\"task\":\"alpha\","
                + "\"router_weights\":{\"alpha\":0.75,\"beta\":0.25},\"cluster_key\":\"c-7\"},\"outputs\":["
                + "{\"name\":\"logits\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[0.5,-1.25,2.0]},"
                + "{\"name\":\"predicted\",\"datatype\":\"INT64\",\"shape\":[1],\"data\":[2]}]}", json);
        assertEquals("application/json", ResultEncoder.contentType(Encoding.JSON));
    }

    @Test
    void aRequestOfTwoRowsIsOneResponseWithTwoRowsAndTheirOwnWeights() {
        ItemResult r = new ItemResult("req-3", "alpha", Encoding.JSON, "", "exact",
                new float[][]{{1f, 0f}, {-1f, 3f}}, new int[]{0, 1},
                List.of(Map.of("alpha", 1f, "beta", 0f), Map.of("alpha", 0.5f, "beta", 0.5f)));
        String json = new String(ResultEncoder.encode("twin", r), StandardCharsets.UTF_8);
        assertEquals("{\"model_name\":\"twin\",\"id\":\"req-3\",\"parameters\":{\"task\":\"alpha\","
                + "\"router_weights\":[{\"alpha\":1.0,\"beta\":0.0},{\"alpha\":0.5,\"beta\":0.5}],"
                + "\"cluster_key\":\"exact\"},\"outputs\":["
                + "{\"name\":\"logits\",\"datatype\":\"FP32\",\"shape\":[2,2],\"data\":[1.0,0.0,-1.0,3.0]},"
                + "{\"name\":\"predicted\",\"datatype\":\"INT64\",\"shape\":[2],\"data\":[0,1]}]}", json);
    }

    @Test
    void protobufIsAModelInferResponse() throws Exception {
        ItemResult r = new ItemResult("req-2", "beta", Encoding.PROTOBUF, "", "c-8", new float[][]{{3f, 1f}},
                new int[]{0}, List.of(W));
        ModelInferResponse m = ModelInferResponse.parseFrom(ResultEncoder.encode("twin", r));
        assertEquals("twin", m.getModelName());
        assertEquals("req-2", m.getId());
        assertEquals("beta", m.getParametersOrThrow("task").getStringParam());
        assertEquals("c-8", m.getParametersOrThrow("cluster_key").getStringParam());
        assertEquals("{\"alpha\":0.75,\"beta\":0.25}", m.getParametersOrThrow("router_weights").getStringParam());
        assertEquals("logits", m.getOutputs(0).getName());
        assertEquals(List.of(1L, 2L), m.getOutputs(0).getShapeList());
        assertEquals(List.of(3f, 1f), m.getOutputs(0).getContents().getFp32ContentsList());
        assertEquals("INT64", m.getOutputs(1).getDatatype());
        assertEquals(0L, m.getOutputs(1).getContents().getInt64Contents(0));
        assertEquals("application/x-protobuf", ResultEncoder.contentType(Encoding.PROTOBUF));
    }

    @Test
    void protobufOfTwoRows() throws Exception {
        ItemResult r = new ItemResult("req-4", "beta", Encoding.PROTOBUF, "", "exact",
                new float[][]{{3f, 1f}, {0f, 2f}}, new int[]{0, 1},
                List.of(Map.of("beta", 1f), Map.of("beta", 0.25f, "alpha", 0.75f)));
        ModelInferResponse m = ModelInferResponse.parseFrom(ResultEncoder.encode("twin", r));
        assertEquals(List.of(2L, 2L), m.getOutputs(0).getShapeList());
        assertEquals(List.of(3f, 1f, 0f, 2f), m.getOutputs(0).getContents().getFp32ContentsList());
        assertEquals(List.of(2L), m.getOutputs(1).getShapeList());
        assertEquals(List.of(0L, 1L), m.getOutputs(1).getContents().getInt64ContentsList());
        assertEquals("[{\"beta\":1.0},{\"alpha\":0.75,\"beta\":0.25}]",
                m.getParametersOrThrow("router_weights").getStringParam());
    }
}
