package dev.twin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.twin.cli.TwinCommand;
import dev.twin.cli.stack.StackJvmOptions;
import dev.twin.cli.stack.StackRecord;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.bundle.BundleManifest;
import dev.twin.core.suite.TaskData;
import dev.twin.core.suite.TaskSuite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code twin up} then {@code twin down} with the real broker and the three packaged services as processes: the
 * endpoints file, an OIP REST inference through router → Kafka → merger → executor, and no process left behind.
 */
class StackUpDownTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private Path work;

    @AfterEach
    void alwaysDown() {
        if (work != null) {
            TwinCommand.execute("down", "--workdir", work.toString()); // a failed assertion must not leak processes
        }
    }

    @Test
    @Timeout(300)
    void upServesInferenceAndDownStopsEveryProcess() throws Exception {
        TaskSuite suite = SyntheticBundle.suite();
        Path bundleDir = SyntheticBundle.get().dir();
        work = tmp.resolve("stack");
        Path endpointsFile = tmp.resolve("endpoints.json");

        long t0 = System.nanoTime();
        assertEquals(0, TwinCommand.execute("up", "--bundle", bundleDir.toString(), "--json", endpointsFile.toString(),
                "--workdir", work.toString()));
        System.out.printf("twin up took %.1f s%n", (System.nanoTime() - t0) / 1e9);

        JsonNode endpoints = JSON.readTree(endpointsFile.toFile());
        List<String> keys = new ArrayList<>();
        endpoints.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("bootstrap", "grpc", "http", "model"), keys);
        StackRecord record = StackRecord.read(work);
        String routerPort = String.valueOf(record.services().get(2).port());
        assertEquals("router-service", record.services().get(2).name());
        assertEquals("127.0.0.1:" + routerPort, endpoints.get("grpc").asText());
        assertEquals("http://127.0.0.1:" + routerPort, endpoints.get("http").asText());
        assertTrue(endpoints.get("bootstrap").asText().matches("127\\.0\\.0\\.1:\\d+"), endpoints.toString());

        List<Long> pids = new ArrayList<>(record.services().stream().map(StackRecord.Service::pid).toList());
        pids.add(record.brokerPid());
        for (long pid : pids) {
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " runs");
        }
        // the broker and every service run with the options of TWIN_STACK_JAVA_OPTS (it-tests/pom.xml gives some)
        List<String> options = StackJvmOptions.fromEnvironment();
        assertFalse(options.isEmpty(), "it-tests/pom.xml sets " + StackJvmOptions.ENV);
        for (long pid : pids) {
            List<String> args = List.of(Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\0"));
            assertTrue(args.containsAll(options), "pid " + pid + " runs with " + options + ": " + args);
        }

        Map<String, Integer> classes = new HashMap<>();
        for (BundleManifest.TaskEntry t : Bundle.load(bundleDir).manifest().tasks()) {
            classes.put(t.name(), t.classes());
        }
        // one test input of each task: the answer names a task of the bundle, and predicted = argmax(logits)
        for (TaskData task : suite.tasks()) {
            float[] x = new float[task.test().dim()];
            System.arraycopy(task.test().x(), 0, x, 0, x.length);
            JsonNode answer = infer(endpoints, "it-" + task.name(), x);
            assertEquals("it-" + task.name(), answer.get("id").asText());
            String routedTask = answer.get("parameters").get("task").asText();
            assertTrue(classes.containsKey(routedTask), "routed to a task of the bundle: " + answer);
            JsonNode logits = output(answer, "logits").get("data");
            assertEquals(classes.get(routedTask), logits.size(), "one logit per class of " + routedTask);
            int argmax = 0;
            for (int i = 1; i < logits.size(); i++) {
                if (logits.get(i).asDouble() > logits.get(argmax).asDouble()) {
                    argmax = i;
                }
            }
            assertEquals(argmax, output(answer, "predicted").get("data").get(0).asInt(), answer.toString());
        }

        assertEquals(0, TwinCommand.execute("down", "--workdir", work.toString()));
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " stopped");
        }
        assertFalse(Files.exists(StackRecord.file(work)), "record removed");
        work = null;
    }

    private static JsonNode infer(JsonNode endpoints, String id, float[] x) throws Exception {
        StringBuilder body = new StringBuilder("{\"id\":\"").append(id)
                .append("\",\"inputs\":[{\"name\":\"input\",\"shape\":[1,").append(x.length)
                .append("],\"datatype\":\"FP32\",\"data\":[");
        for (int i = 0; i < x.length; i++) {
            body.append(i > 0 ? "," : "").append(x[i]);
        }
        body.append("]}]}");
        URI uri = URI.create(endpoints.get("http").asText() + "/v2/models/" + endpoints.get("model").asText() + "/infer");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static JsonNode output(JsonNode answer, String name) {
        for (JsonNode o : answer.get("outputs")) {
            if (o.get("name").asText().equals(name)) {
                return o;
            }
        }
        throw new AssertionError("no output '" + name + "' in " + answer);
    }
}
