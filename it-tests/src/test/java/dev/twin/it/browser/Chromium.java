package dev.twin.it.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real headless Chromium (Debian's {@code chromium}) showing one page, driven over the DevTools protocol on a
 * WebSocket (the JDK's client): evaluate JavaScript in the page, take a screenshot. Each instance has its own
 * profile directory and debugging port (chosen by Chromium, read from DevToolsActivePort).
 */
public final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(60);

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();

    private Chromium(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    /**
     * The browser binary on PATH; when missing, Debian's {@code chromium} is installed with apt-get if this process
     * runs as root (as the suites install their data), else an error names the install command.
     */
    public static String binary() {
        String found = onPath();
        if (found == null) {
            new dev.twin.core.suite.text.DebianPackages(System.err).filesOf(List.of("chromium"));
            found = onPath();
        }
        if (found == null) {
            throw new IllegalStateException("no chromium on PATH: install it with apt-get install -y chromium");
        }
        return found;
    }

    private static String onPath() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        return null;
    }

    /** Starts headless Chromium on {@code url} with a window of width × height (profile under {@code profile}). */
    public static Chromium open(String url, Path profile, int width, int height) throws IOException,
            InterruptedException {
        Files.createDirectories(profile);
        Path portFile = profile.resolve("DevToolsActivePort");
        Files.deleteIfExists(portFile);
        Process p = new ProcessBuilder(binary(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height, url)
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + START.toNanos();
            while (!Files.exists(portFile) || Files.readAllLines(portFile).size() < 2) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("chromium gave no debugging port within " + START.toSeconds()
                            + " s (exit " + (p.isAlive() ? "none" : p.exitValue()) + "); its log: "
                            + Files.readString(profile.resolve("chromium.log")));
                }
                Thread.sleep(100);
            }
            int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
            HttpClient http = HttpClient.newHttpClient();
            String ws = null;
            while (ws == null) {
                JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                for (JsonNode t : targets) {
                    if ("page".equals(t.path("type").asText())) {
                        ws = t.path("webSocketDebuggerUrl").asText();
                    }
                }
                if (ws == null) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("chromium shows no page target: " + targets);
                    }
                    Thread.sleep(100);
                }
            }
            Listener listener = new Listener();
            WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(ws), listener)
                    .get(30, TimeUnit.SECONDS);
            Chromium c = new Chromium(p, socket);
            listener.owner = c;
            return c;
        } catch (Exception e) {
            p.destroyForcibly();
            if (e instanceof IOException io) {
                throw io;
            }
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalStateException("cannot drive chromium: " + e.getMessage(), e);
        }
    }

    /** Evaluates a JavaScript expression in the page; its value as JSON (null for undefined). */
    public JsonNode evaluate(String expression) {
        ObjectNode params = JSON.createObjectNode().put("expression", expression).put("returnByValue", true)
                .put("awaitPromise", true);
        JsonNode r = call("Runtime.evaluate", params);
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("page threw on '" + expression + "': " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** A PNG of the page's viewport. */
    public byte[] screenshot() {
        JsonNode r = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        return Base64.getDecoder().decode(r.path("data").asText());
    }

    /** One DevTools command; its result, or an error with the browser's message. */
    public JsonNode call(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        waiting.put(id, reply);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        socket.sendText(msg.toString(), true).join();
        JsonNode r;
        try {
            r = reply.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(method + " got no answer from chromium: " + e, e);
        } finally {
            waiting.remove(id);
        }
        if (r.has("error")) {
            throw new IllegalStateException(method + " failed: " + r.get("error"));
        }
        return r.path("result");
    }

    private void received(String text) {
        try {
            JsonNode m = JSON.readTree(text);
            CompletableFuture<JsonNode> f = m.has("id") ? waiting.get(m.get("id").asInt()) : null;
            if (f != null) {
                f.complete(m);
            }
        } catch (IOException e) {
            waiting.values().forEach(f -> f.completeExceptionally(e));
        }
    }

    /** Collects a message's fragments and hands whole messages to the owner. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        volatile Chromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String whole = partial.toString();
                partial.setLength(0);
                if (owner != null) {
                    owner.received(whole);
                }
            }
            ws.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        try {
            socket.abort();
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
