package dev.twin.router.request;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.twin.proto.inference.InferParameter;
import dev.twin.proto.inference.InferTensorContents;
import dev.twin.proto.inference.ModelInferRequest;
import dev.twin.proto.routed.Encoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestParserTest {
    private static final String JSON = "application/json";
    private static final String PB = "application/x-protobuf";
    private final RequestParser parser = new RequestParser(new RequestSpec("twin", List.of("a", "b"), 4, 512));

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String json(String id, String task, String datatype, String shape, String data) {
        return "{" + (id == null ? "" : "\"id\":\"" + id + "\",")
                + (task == null ? "" : "\"parameters\":{\"task\":\"" + task + "\"},")
                + "\"inputs\":[{\"name\":\"x\",\"shape\":" + shape + ",\"datatype\":\"" + datatype + "\",\"data\":"
                + data + "}]}";
    }

    private static ModelInferRequest.Builder proto(String id, float... x) {
        ModelInferRequest.InferInputTensor.Builder t = ModelInferRequest.InferInputTensor.newBuilder().setName("x")
                .setDatatype("FP32").addShape(1).addShape(x.length);
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        for (float v : x) {
            c.addFp32Contents(v);
        }
        return ModelInferRequest.newBuilder().setId(id).addInputs(t.setContents(c));
    }

    private BadRequestException bad(Problem expected, byte[] body, String type) {
        BadRequestException e = assertThrows(BadRequestException.class, () -> parser.parse(body, type, null));
        assertEquals(expected, e.problem(), e.getMessage());
        return e;
    }

    @Test
    void validJsonKeepsIdTaskValuesAndReplyTo() {
        InferenceRequest r = parser.parse(b(json("r1", "b", "FP32", "[1,4]", "[1.5,-2,0,3.25]")), JSON, "twin.results.my");
        assertEquals("r1", r.id());
        assertEquals("b", r.task());
        assertArrayEquals(new float[] {1.5f, -2f, 0f, 3.25f}, r.values());
        assertEquals(Encoding.JSON, r.encoding());
        assertEquals("twin.results.my", r.replyTo());
    }

    @Test
    void jsonAcceptsNestedDataAndCharsetAndNoTask() {
        InferenceRequest r = parser.parse(b(json("r2", null, "FP32", "[2,2]", "[[1,2],[3,4]]")),
                "application/json; charset=utf-8", " ");
        assertArrayEquals(new float[] {1, 2, 3, 4}, r.values());
        assertNull(r.task());
        assertNull(r.replyTo());
    }

    @Test
    void validProtobufFromContentsAndFromRawLittleEndian() {
        ModelInferRequest m = proto("p1", 1f, 2f, 3f, 4f)
                .putParameters("task", InferParameter.newBuilder().setStringParam("a").build()).build();
        InferenceRequest r = parser.parse(m.toByteArray(), PB, null);
        assertEquals("p1", r.id());
        assertEquals("a", r.task());
        assertEquals(Encoding.PROTOBUF, r.encoding());
        assertArrayEquals(new float[] {1, 2, 3, 4}, r.values());

        ByteBuffer raw = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        raw.putFloat(0.5f).putFloat(-1f).putFloat(8f).putFloat(0f);
        ModelInferRequest rawMsg = ModelInferRequest.newBuilder().setId("p2").setModelName("twin")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setDatatype("FP32").addShape(4))
                .addRawInputContents(ByteString.copyFrom(raw.array())).build();
        assertArrayEquals(new float[] {0.5f, -1f, 8f, 0f}, parser.parseGrpc(rawMsg).values());
    }

    private static ByteString le(float... x) {
        ByteBuffer raw = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : x) {
            raw.putFloat(v);
        }
        return ByteString.copyFrom(raw.array());
    }

    private static ModelInferRequest.Builder rawProto(String id, ByteString raw, long... shape) {
        ModelInferRequest.InferInputTensor.Builder t = ModelInferRequest.InferInputTensor.newBuilder().setName("x")
                .setDatatype("FP32");
        for (long d : shape) {
            t.addShape(d);
        }
        return ModelInferRequest.newBuilder().setId(id).addInputs(t).addRawInputContents(raw);
    }

    @Test
    void rawContentsBecomeTheRowsBlockBitForBit() {
        // -0.0, a subnormal and the largest float survive as their exact bits
        float[] x = {-0f, Float.MIN_VALUE, Float.MAX_VALUE, 0.1f};
        ByteString raw = le(x);
        InferenceRequest r = parser.parse(rawProto("raw", raw, 1, 4).build().toByteArray(), PB, null);
        assertEquals(raw, r.rows());
        assertEquals(1, r.rowCount());
        float[] back = r.values();
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(back[i]), "value " + i);
        }
        // fp32_contents and JSON give the same block as raw contents
        assertEquals(raw, parser.parse(proto("c", x).build().toByteArray(), PB, null).rows());
        assertEquals(raw, parser.parse(b(json("j", null, "FP32", "[4]", "[-0.0,1.4E-45,3.4028235E38,0.1]")), JSON,
                null).rows());
    }

    @Test
    void badRawContentsAreNamed() {
        BadRequestException odd = bad(Problem.WRONG_SHAPE, rawProto("o", ByteString.copyFrom(new byte[15]), 4).build()
                .toByteArray(), PB);
        assertTrue(odd.getMessage().contains("15 bytes is not a whole number of FP32 values"), odd.getMessage());
        BadRequestException shortRaw = bad(Problem.WRONG_SHAPE, rawProto("s", le(1, 2, 3, 4), 2, 4).build()
                .toByteArray(), PB);
        assertTrue(shortRaw.getMessage().contains("input has 4 values, the model takes 4 per row, 8 for the 2 rows "
                + "of its shape"), shortRaw.getMessage());
        BadRequestException nan = bad(Problem.NOT_FINITE, rawProto("n", le(1, 2, 3, 4, 5, 6, Float.NaN, 8), 2, 4)
                .build().toByteArray(), PB);
        assertTrue(nan.getMessage().contains("input value 6 is NaN"), nan.getMessage());
        ModelInferRequest both = rawProto("b", le(1, 2, 3, 4), 4).build();
        both = both.toBuilder().setInputs(0, both.getInputs(0).toBuilder()
                .setContents(InferTensorContents.newBuilder().addFp32Contents(1))).build();
        assertTrue(bad(Problem.WRONG_SHAPE, both.toByteArray(), PB).getMessage().contains("not both"));
    }

    @Test
    void batchInputsOfNRowsInEveryEncoding() {
        float[] two = {1, 2, 3, 4, 5, 6, 7, 8};
        // [N, prod], nested [N, 2, 2] (input size 4 as 2×2) and flat data all give 2 rows in order
        for (String[] shapeData : new String[][] {{"[2,4]", "[1,2,3,4,5,6,7,8]"},
                {"[2,2,2]", "[[[1,2],[3,4]],[[5,6],[7,8]]]"}, {"[2,4]", "[[1,2,3,4],[5,6,7,8]]"}}) {
            InferenceRequest r = parser.parse(b(json("j", null, "FP32", shapeData[0], shapeData[1])), JSON, null);
            assertEquals(2, r.rowCount(), shapeData[0]);
            assertArrayEquals(two, r.values(), shapeData[0]);
        }
        InferenceRequest p = parser.parseGrpc(rawProto("g", le(two), 2, 4).build());
        assertEquals(2, p.rowCount());
        assertArrayEquals(two, p.values());
        ModelInferRequest.Builder c = proto("c", two);
        c.setInputs(0, c.getInputs(0).toBuilder().clearShape().addShape(2).addShape(4));
        assertEquals(2, parser.parse(c.build().toByteArray(), PB, null).rowCount());
        // a batch whose rows do not hold the input size, or whose data disagrees with N
        assertTrue(bad(Problem.WRONG_SHAPE, b(json("j", null, "FP32", "[2,3]", "[1,2,3,4,5,6]")), JSON).getMessage()
                .contains("the model takes 4 per row"));
        assertTrue(bad(Problem.WRONG_SHAPE, b(json("j", null, "FP32", "[3,4]", "[1,2,3,4,5,6,7,8]")), JSON)
                .getMessage().contains("input has 8 values, the model takes 4 per row, 12 for the 3 rows of its "
                        + "shape"));
    }

    @Test
    void idIsOptionalForSynchronousCallsOnly() {
        InferenceRequest rest = parser.parseRest("twin", b(json(null, null, "FP32", "[4]", "[1,2,3,4]")));
        InferenceRequest grpc = parser.parseGrpc(proto("", 1, 2, 3, 4).build());
        for (InferenceRequest r : List.of(rest, grpc)) {
            // a UUID made by the router
            assertEquals(r.id(), java.util.UUID.fromString(r.id()).toString());
        }
        assertTrue(!rest.id().equals(grpc.id()));
        assertEquals("given", parser.parseRest("twin", b(json("given", null, "FP32", "[4]", "[1,2,3,4]"))).id());
    }

    @Test
    void streamingJsonSkipsUnknownFieldsAndReadsFieldsInAnyOrder() {
        String body = "{\"inputs\":[{\"data\":[4,3,2,1],\"parameters\":{\"x\":[1,{\"y\":2}]},\"datatype\":\"FP32\","
                + "\"shape\":[1,4],\"name\":\"x\"}],\"outputs\":[{\"name\":\"logits\"}],\"parameters\":{\"other\":"
                + "{\"a\":[1]},\"task\":\"a\"},\"id\":42}";
        InferenceRequest r = parser.parse(b(body), JSON, null);
        assertEquals("42", r.id());
        assertEquals("a", r.task());
        assertArrayEquals(new float[] {4, 3, 2, 1}, r.values());
        // an object where a number belongs is a datatype error naming the value's position
        assertTrue(bad(Problem.WRONG_DATATYPE, b(json("r", null, "FP32", "[4]", "[1,2,{\"v\":3},4]")), JSON)
                .getMessage().contains("data value 2 is an object"));
        assertTrue(bad(Problem.WRONG_SHAPE, b(json("r", null, "FP32", "[1.5,4]", "[1,2,3,4]")), JSON).getMessage()
                .contains("shape [1.5,4] is not a list of integers"));
        bad(Problem.NOT_JSON, b("{\"id\":\"r\",\"inputs\":[{\"data\":[1,2"), JSON);
    }

    @Test
    void replyToMustNameAResultsTopic() {
        byte[] ok = b(json("r", null, "FP32", "[4]", "[1,2,3,4]"));
        assertEquals("twin.results", parser.parse(ok, JSON, "twin.results").replyTo());
        assertEquals("twin.results.team-a", parser.parse(ok, JSON, "twin.results.team-a").replyTo());
        for (String topic : List.of("twin.requests", "twin.resultsX", "__consumer_offsets", "twin.routed")) {
            BadRequestException e = assertThrows(BadRequestException.class, () -> parser.parse(ok, JSON, topic));
            assertEquals(Problem.BAD_REPLY_TO, e.problem());
            assertTrue(e.getMessage().contains("reply-to topic '" + topic + "' is not allowed (it must be a legal "
                    + "Kafka topic name matching twin\\.results(\\.[a-zA-Z0-9._-]+)?"), e.getMessage());
        }
        RequestParser custom = new RequestParser(new RequestSpec("twin", List.of("a", "b"), 4, 512, false, null,
                java.util.regex.Pattern.compile("answers\\..*")));
        assertEquals("answers.x", custom.parse(ok, JSON, "answers.x").replyTo());
        assertThrows(BadRequestException.class, () -> custom.parse(ok, JSON, "twin.results"));
        // names Kafka refuses (the producer would throw on them) are refused even where a pattern would allow them
        for (String illegal : List.of("twin.results.\u0000-b", "twin.results.a b", "twin.results.ü",
                "twin.results." + "x".repeat(240), "answers.\u0000", "answers./")) {
            RequestParser p = illegal.startsWith("answers") ? custom : parser;
            BadRequestException e = assertThrows(BadRequestException.class, () -> p.parse(ok, JSON, illegal));
            assertEquals(Problem.BAD_REPLY_TO, e.problem(), illegal);
        }
    }

    @Test
    void notJson() {
        assertTrue(bad(Problem.NOT_JSON, b("{\"id\": oops"), JSON).getMessage().contains("not JSON"));
        assertTrue(bad(Problem.NOT_JSON, b("[1,2]"), JSON).getMessage().contains("not a JSON object"));
    }

    @Test
    void notProtobuf() {
        // a length-delimited field 1 claiming 100 bytes with 1 present: truncated message
        BadRequestException e = bad(Problem.NOT_PROTOBUF, new byte[] {0x0A, 100, 1}, PB);
        assertTrue(e.getMessage().contains("not a protobuf ModelInferRequest"), e.getMessage());
    }

    @Test
    void unknownOrMissingContentType() {
        byte[] ok = b(json("r", null, "FP32", "[4]", "[1,2,3,4]"));
        assertTrue(bad(Problem.UNKNOWN_CONTENT_TYPE, ok, "text/plain").getMessage().contains("'text/plain'"));
        assertTrue(bad(Problem.UNKNOWN_CONTENT_TYPE, ok, null).getMessage().contains("no content-type"));
    }

    @Test
    void missingId() {
        bad(Problem.MISSING_ID, b(json(null, null, "FP32", "[4]", "[1,2,3,4]")), JSON);
        bad(Problem.MISSING_ID, b(json("", null, "FP32", "[4]", "[1,2,3,4]")), JSON);
        assertTrue(bad(Problem.MISSING_ID, proto("", 1, 2, 3, 4).build().toByteArray(), PB).getMessage()
                .contains("no 'id'"));
    }

    @Test
    void missingTaskWhereNoRouterRuns() {
        RequestParser noRouter = new RequestParser(new RequestSpec("twin", List.of("a", "b"), 4, 512, true));
        for (byte[] body : List.of(b(json("j", null, "FP32", "[4]", "[1,2,3,4]")),
                proto("p", 1, 2, 3, 4).build().toByteArray())) {
            String type = body[0] == '{' ? JSON : PB;
            BadRequestException e = assertThrows(BadRequestException.class, () -> noRouter.parse(body, type, null));
            assertEquals(Problem.MISSING_TASK, e.problem(), e.getMessage());
            assertTrue(e.getMessage().contains("'task'") && e.getMessage().contains("[a, b]"), e.getMessage());
        }
        assertEquals("b", noRouter.parse(b(json("j", "b", "FP32", "[4]", "[1,2,3,4]")), JSON, null).task());
    }

    // a stand-in tokenizer of 4 values: [length, first char, 0, 1]
    private final RequestParser textParser = new RequestParser(new RequestSpec("twin", List.of("a", "b"), 4, 512, false,
            t -> new float[]{t.length(), t.isEmpty() ? 0 : t.charAt(0), 0, 1}));

    private static String textJson(String id, String shape, String data) {
        return "{\"id\":\"" + id + "\",\"inputs\":[{\"name\":\"text\",\"shape\":" + shape
                + ",\"datatype\":\"BYTES\",\"data\":" + data + "}]}";
    }

    private static ModelInferRequest.Builder textProto(String id) {
        return ModelInferRequest.newBuilder().setId(id).addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                .setName("text").setDatatype("BYTES").addShape(1));
    }

    @Test
    void aTextModelTakesOneUtf8TextAsBytesInEveryEncoding() {
        assertArrayEquals(new float[]{5, 'h', 0, 1}, textParser.parse(b(textJson("t1", "[1]", "[\"hello\"]")), JSON,
                null).values());
        assertArrayEquals(new float[]{2, 0xe9, 0, 1}, textParser.parse(b(textJson("t2", "[1,1]", "[[\"\u00e9t\"]]")),
                JSON, null).values());
        ModelInferRequest.Builder viaContents = textProto("t3");
        viaContents.getInputsBuilder(0).setContents(InferTensorContents.newBuilder()
                .addBytesContents(com.google.protobuf.ByteString.copyFromUtf8("abc")));
        assertArrayEquals(new float[]{3, 'a', 0, 1}, textParser.parseGrpc(viaContents.build()).values());
        byte[] text = "zz".getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer raw = java.nio.ByteBuffer.allocate(4 + text.length).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(text.length).put(text);
        ModelInferRequest viaRaw = textProto("t4").addRawInputContents(com.google.protobuf.ByteString.copyFrom(
                raw.array())).build();
        assertArrayEquals(new float[]{2, 'z', 0, 1}, textParser.parse(viaRaw.toByteArray(), PB, null).values());
        // FP32 rows (already tokenized) stay accepted
        assertArrayEquals(new float[]{1, 2, 3, 4}, textParser.parse(b(json("t5", null, "FP32", "[4]", "[1,2,3,4]")),
                JSON, null).values());
    }

    @Test
    void badTextInputsAreNamed() {
        BadRequestException notText = bad(Problem.WRONG_DATATYPE, b(textJson("x", "[1]", "[\"hi\"]")), JSON);
        assertTrue(notText.getMessage().contains("'BYTES'") && notText.getMessage().contains("FP32"), notText.getMessage());
        BadRequestException two = assertThrows(BadRequestException.class,
                () -> textParser.parse(b(textJson("x", "[2]", "[\"a\",\"b\"]")), JSON, null));
        assertEquals(Problem.WRONG_SHAPE, two.problem());
        BadRequestException number = assertThrows(BadRequestException.class,
                () -> textParser.parse(b(textJson("x", "[1]", "[7]")), JSON, null));
        assertEquals(Problem.WRONG_DATATYPE, number.problem());
        ModelInferRequest.Builder latin1 = textProto("x");
        latin1.getInputsBuilder(0).setContents(InferTensorContents.newBuilder()
                .addBytesContents(com.google.protobuf.ByteString.copyFrom(new byte[]{(byte) 0xe9, 't'})));
        BadRequestException utf8 = assertThrows(BadRequestException.class, () -> textParser.parseGrpc(latin1.build()));
        assertEquals(Problem.WRONG_DATATYPE, utf8.problem());
        assertTrue(utf8.getMessage().contains("UTF-8"), utf8.getMessage());
        ModelInferRequest shortRaw = textProto("x").addRawInputContents(com.google.protobuf.ByteString.copyFrom(
                new byte[]{9, 0, 0, 0, 'a'})).build();
        BadRequestException len = assertThrows(BadRequestException.class, () -> textParser.parseGrpc(shortRaw));
        assertEquals(Problem.WRONG_SHAPE, len.problem());
        assertTrue(len.getMessage().contains("9 bytes"), len.getMessage());
    }

    @Test
    void unknownModelNamedInAJsonBody() {
        String body = "{\"id\":\"m\",\"model_name\":\"nope\",\"inputs\":[{\"name\":\"x\",\"shape\":[4],"
                + "\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}";
        assertTrue(bad(Problem.UNKNOWN_MODEL, b(body), JSON).getMessage().contains("unknown model 'nope'"));
        assertEquals("m", parser.parse(b(body.replace("nope", "twin")), JSON, null).id());
    }

    @Test
    void unknownTask() {
        BadRequestException e = bad(Problem.UNKNOWN_TASK, b(json("r", "zz", "FP32", "[4]", "[1,2,3,4]")), JSON);
        assertTrue(e.getMessage().contains("'zz'") && e.getMessage().contains("[a, b]"), e.getMessage());
        bad(Problem.UNKNOWN_TASK, proto("p", 1, 2, 3, 4)
                .putParameters("task", InferParameter.newBuilder().setStringParam("c").build()).build().toByteArray(), PB);
    }

    @Test
    void wrongDatatype() {
        assertTrue(bad(Problem.WRONG_DATATYPE, b(json("r", null, "INT32", "[4]", "[1,2,3,4]")), JSON).getMessage()
                .contains("'INT32'"));
        bad(Problem.WRONG_DATATYPE, b(json("r", null, "FP32", "[4]", "[1,\"x\",3,4]")), JSON);
        ModelInferRequest m = proto("p", 1, 2, 3, 4).build();
        bad(Problem.WRONG_DATATYPE, m.toBuilder().setInputs(0, m.getInputs(0).toBuilder().setDatatype("FP64"))
                .build().toByteArray(), PB);
    }

    @Test
    void wrongShape() {
        assertTrue(bad(Problem.WRONG_SHAPE, b(json("r", null, "FP32", "[5]", "[1,2,3,4,5]")), JSON).getMessage()
                .contains("takes 4"));
        bad(Problem.WRONG_SHAPE, b(json("r", null, "FP32", "[4]", "[1,2,3]")), JSON);
        bad(Problem.WRONG_SHAPE, b(json("r", null, "FP32", "[4,1,0]", "[1,2,3,4]")), JSON);
        bad(Problem.WRONG_SHAPE, b("{\"id\":\"r\",\"inputs\":[]}"), JSON);
        bad(Problem.WRONG_SHAPE, proto("p", 1, 2, 3).build().toByteArray(), PB);
        // 2^32 · 2^32 wrapped to Long.MIN_VALUE before (the message said "holds -9223372036854775808 values")
        assertTrue(bad(Problem.WRONG_SHAPE, b(json("r", null, "FP32", "[4294967296,4294967296]", "[1,2,3,4]")),
                JSON).getMessage().contains("holds too many values"));
        assertTrue(bad(Problem.WRONG_SHAPE, b(json("r", null, "FP32", "[9223372036854775807,2]", "[1,2,3,4]")),
                JSON).getMessage().contains("holds too many values"));
    }

    @Test
    void nanAndInfinity() {
        assertTrue(bad(Problem.NOT_FINITE, b(json("r", null, "FP32", "[4]", "[1,NaN,3,4]")), JSON).getMessage()
                .contains("value 1 is NaN"));
        // 1e39 overflows FP32
        bad(Problem.NOT_FINITE, b(json("r", null, "FP32", "[4]", "[1,2,1e39,4]")), JSON);
        assertTrue(bad(Problem.NOT_FINITE, proto("p", 1, 2, 3, Float.NEGATIVE_INFINITY).build().toByteArray(), PB)
                .getMessage().contains("value 3 is -Infinity"));
    }

    @Test
    void oversizedPayload() {
        String big = json("r", null, "FP32", "[4]", "[1,2,3,4]" + " ".repeat(600));
        assertTrue(bad(Problem.OVERSIZED, b(big), JSON).getMessage().contains("limit of 512 bytes"));
        byte[] pb = proto("p", 1, 2, 3, 4).setModelVersion("v".repeat(600)).build().toByteArray();
        bad(Problem.OVERSIZED, pb, PB);
    }

    @Test
    void unknownModel() {
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> parser.parseRest("other", b(json("r", null, "FP32", "[4]", "[1,2,3,4]"))));
        assertEquals(Problem.UNKNOWN_MODEL, e.problem());
        assertTrue(e.getMessage().contains("'other'") && e.getMessage().contains("'twin'"), e.getMessage());
        bad(Problem.UNKNOWN_MODEL, proto("p", 1, 2, 3, 4).setModelName("resnet").build().toByteArray(), PB);
        assertEquals("p", parser.parse(proto("p", 1, 2, 3, 4).setModelName("twin").build().toByteArray(), PB, null).id());
    }
}
