package dev.twin.it;

import dev.twin.cli.traffic.KafkaClient;
import dev.twin.proto.inference.InferParameter;
import dev.twin.proto.inference.InferTensorContents;
import dev.twin.proto.inference.ModelInferRequest;
import io.grpc.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One request per kind of bad input of the issue, for each way in (Kafka record, gRPC call, REST call), with the
 * words its rejection must contain. The synthetic bundle takes 32 FP32 values; the test stack limits payloads to
 * 64 KiB.
 */
final class BadInputs {
    static final int DIM = 32;
    private static final String PAD = "x".repeat(70_000);

    private BadInputs() {
    }

    private static String json(String id, String model, String task, String datatype, String shape, String data,
                               String extra) {
        return "{" + (id == null ? "" : "\"id\":\"" + id + "\",") + (model == null ? "" : "\"model_name\":\"" + model
                + "\",") + (task == null ? "" : "\"parameters\":{\"task\":\"" + task + "\"},") + extra
                + "\"inputs\":[{\"name\":\"input\",\"shape\":" + shape + ",\"datatype\":\"" + datatype + "\",\"data\":"
                + data + "}]}";
    }

    private static String zeros(int n) {
        return "[" + "0,".repeat(n - 1) + "0]";
    }

    private static ModelInferRequest.Builder proto(String id, String task, float... x) {
        InferTensorContents.Builder c = InferTensorContents.newBuilder();
        for (float v : x) {
            c.addFp32Contents(v);
        }
        ModelInferRequest.Builder b = ModelInferRequest.newBuilder().setId(id).addInputs(
                ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("FP32").addShape(1)
                        .addShape(x.length).setContents(c));
        if (task != null) {
            b.putParameters("task", InferParameter.newBuilder().setStringParam(task).build());
        }
        return b;
    }

    private static float[] withValue(int at, float v) {
        float[] x = new float[DIM];
        x[at] = v;
        return x;
    }

    /** Kafka record key → the words its DLQ reason must contain. */
    static Map<String, String> kafka(String task) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bad-not-json", "not JSON");
        m.put("bad-not-protobuf", "not a protobuf");
        m.put("bad-content-type", "unknown content type 'text/plain'");
        m.put("bad-no-content-type", "no content-type");
        m.put("bad-missing-id", "no 'id'");
        m.put("bad-unknown-task", "unknown task 'no-such-task'");
        m.put("bad-datatype", "datatype");
        m.put("bad-shape", "shape");
        m.put("bad-nan", "NaN");
        m.put("bad-inf", "Infinity");
        m.put("bad-oversized", "exceeds the limit");
        m.put("bad-model", "unknown model 'nope'");
        // the poison record of issue 9: before the reply-to check it failed the merger's channel for good
        m.put("bad-reply-to", "reply-to");
        return m;
    }

    static void sendKafka(KafkaClient k, String task) {
        String j = "application/json";
        String pb = "application/x-protobuf";
        Map<String, String> none = Map.of();
        k.send("bad-not-json", "{\"id\": \"bad-not-json\", ".getBytes(StandardCharsets.UTF_8), j, none);
        k.send("bad-not-protobuf", new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}, pb, none);
        byte[] good = json("bad-content-type", null, task, "FP32", "[1," + DIM + "]", zeros(DIM), "")
                .getBytes(StandardCharsets.UTF_8);
        k.send("bad-content-type", good, "text/plain", none);
        k.send("bad-no-content-type", good, null, none);
        k.send("bad-missing-id", json(null, null, task, "FP32", "[1," + DIM + "]", zeros(DIM), "")
                .getBytes(StandardCharsets.UTF_8), j, none);
        k.send("bad-unknown-task", json("bad-unknown-task", null, "no-such-task", "FP32", "[1," + DIM + "]",
                zeros(DIM), "").getBytes(StandardCharsets.UTF_8), j, none);
        k.send("bad-datatype", json("bad-datatype", null, task, "INT32", "[1," + DIM + "]", zeros(DIM), "")
                .getBytes(StandardCharsets.UTF_8), j, none);
        k.send("bad-shape", json("bad-shape", null, task, "FP32", "[1," + (DIM - 1) + "]", zeros(DIM - 1), "")
                .getBytes(StandardCharsets.UTF_8), j, none);
        k.send("bad-nan", proto("bad-nan", task, withValue(3, Float.NaN)).build().toByteArray(), pb, none);
        k.send("bad-inf", proto("bad-inf", task, withValue(5, Float.POSITIVE_INFINITY)).build().toByteArray(), pb, none);
        k.send("bad-oversized", json("bad-oversized", null, task, "FP32", "[1," + DIM + "]", zeros(DIM),
                "\"pad\":\"" + PAD + "\",").getBytes(StandardCharsets.UTF_8), j, none);
        k.send("bad-model", json("bad-model", "nope", task, "FP32", "[1," + DIM + "]", zeros(DIM), "")
                .getBytes(StandardCharsets.UTF_8), j, none);
        k.send("bad-reply-to", json("bad-reply-to", null, task, "FP32", "[1," + DIM + "]", zeros(DIM), "")
                .getBytes(StandardCharsets.UTF_8), j, Map.of("reply-to", "no such topic!!"));
    }

    /** A bad gRPC call, the status code it must get and the words of its description. */
    record GrpcCase(ModelInferRequest request, Status.Code code, String reason) {
    }

    static Map<String, GrpcCase> grpc(String task) {
        Status.Code invalid = Status.Code.INVALID_ARGUMENT;
        Map<String, GrpcCase> m = new LinkedHashMap<>();
        m.put("unknown task", new GrpcCase(proto("g-task", "no-such-task", new float[DIM]).build(), invalid,
                "unknown task 'no-such-task'"));
        ModelInferRequest.Builder int32 = proto("g-type", task, new float[DIM]);
        int32.getInputsBuilder(0).setDatatype("INT32");
        m.put("wrong datatype", new GrpcCase(int32.build(), invalid, "datatype"));
        m.put("wrong shape", new GrpcCase(proto("g-shape", task, new float[DIM - 2]).build(), invalid, "shape"));
        m.put("NaN", new GrpcCase(proto("g-nan", task, withValue(0, Float.NaN)).build(), invalid, "NaN"));
        m.put("-Inf", new GrpcCase(proto("g-inf", task, withValue(1, Float.NEGATIVE_INFINITY)).build(), invalid,
                "Infinity"));
        m.put("oversized", new GrpcCase(proto("g-big", task, new float[DIM]).putParameters("pad",
                InferParameter.newBuilder().setStringParam(PAD).build()).build(), invalid, "exceeds the limit"));
        m.put("unknown model", new GrpcCase(proto("g-model", task, new float[DIM]).setModelName("nope").build(),
                invalid, "unknown model 'nope'"));
        return m;
    }

    /** A bad REST call (always answered 400) and the words of its error. */
    record RestCase(URI uri, String body, String reason) {
    }

    static Map<String, RestCase> rest(String http, String model, String task) {
        URI infer = URI.create(http + "/v2/models/" + model + "/infer");
        Map<String, RestCase> m = new LinkedHashMap<>();
        m.put("not JSON", new RestCase(infer, "id=1&x=2", "not JSON"));
        m.put("wrong shape", new RestCase(infer, json("r-shape", null, task, "FP32", "[2," + DIM + "]",
                zeros(DIM), ""), "shape"));
        m.put("wrong datatype", new RestCase(infer, json("r-type", null, task, "BYTES", "[1," + DIM + "]",
                zeros(DIM), ""), "datatype"));
        m.put("unknown model", new RestCase(URI.create(http + "/v2/models/nope/infer"), json("r-model", null, task,
                "FP32", "[1," + DIM + "]", zeros(DIM), ""), "unknown model 'nope'"));
        return m;
    }

    static HttpResponse<String> post(URI uri, String body) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
