package dev.twin.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code twin up} started, written to {@code <workdir>/stack.json} so that {@code twin down} (another JVM) can
 * stop it: the endpoints, the broker's directory and pid, and each service's name, pid, port and jar.
 */
public record StackRecord(StackEndpoints endpoints, Path bundle, Path brokerDir, long brokerPid,
                          List<Service> services) {
    public static final String FILE = "stack.json";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One recorded service process, with the heap and {@code -D} settings it was started with (for a restart). */
    public record Service(String name, long pid, int port, Path jar, String heap, Map<String, String> properties) {
        public Service {
            properties = Map.copyOf(properties);
        }

        public Service(String name, long pid, int port, Path jar) {
            this(name, pid, port, jar, "", Map.of());
        }

        /** What starts this service again on the same port. */
        public ServiceProcess.Spec spec() {
            return new ServiceProcess.Spec(name, jar, port, heap, properties);
        }
    }

    /** This record with {@code name}'s pid replaced (after a restart). */
    public StackRecord withPid(String name, long pid) {
        return new StackRecord(endpoints, bundle, brokerDir, brokerPid, services.stream().map(s -> s.name().equals(name)
                ? new Service(s.name(), pid, s.port(), s.jar(), s.heap(), s.properties()) : s).toList());
    }

    /** This record with the broker's pid replaced (after the broker was started again on its data). */
    public StackRecord withBrokerPid(long pid) {
        return new StackRecord(endpoints, bundle, brokerDir, pid, services);
    }

    public StackRecord {
        services = List.copyOf(services);
    }

    /** This record with one more service (an instance added at run time). */
    public StackRecord with(Service added) {
        if (has(added.name())) {
            throw new IllegalArgumentException("service '" + added.name() + "' is already in the stack record");
        }
        List<Service> all = new ArrayList<>(services);
        all.add(added);
        return new StackRecord(endpoints, bundle, brokerDir, brokerPid, all);
    }

    /** This record without the service {@code name} (an instance removed at run time). */
    public StackRecord without(String name) {
        service(name);
        return new StackRecord(endpoints, bundle, brokerDir, brokerPid, services.stream()
                .filter(s -> !s.name().equals(name)).toList());
    }

    /** Whether a service named {@code name} is recorded. */
    public boolean has(String name) {
        return services.stream().anyMatch(s -> s.name().equals(name));
    }

    /** The recorded instances of {@code service} (its first instance and those named service-2, service-3, ...). */
    public List<Service> instances(String service) {
        return services.stream().filter(s -> s.name().equals(service) || s.name().matches(
                java.util.regex.Pattern.quote(service) + "-\\d+")).toList();
    }

    /** The recorded service named {@code name}, or a clear error. */
    public Service service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no service '" + name + "' in the stack record (have "
                        + services.stream().map(Service::name).toList() + ")"));
    }

    public static Path file(Path workDir) {
        return workDir.resolve(FILE);
    }

    /** Writes this record to {@code workDir}'s stack.json (atomically: a temp file moved into place). */
    public void write(Path workDir) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("bootstrap", endpoints.bootstrap());
        root.put("grpc", endpoints.grpc());
        root.put("http", endpoints.http());
        root.put("model", endpoints.model());
        root.put("bundle", bundle.toString());
        ObjectNode broker = root.putObject("broker");
        broker.put("dir", brokerDir.toString());
        broker.put("pid", brokerPid);
        ArrayNode arr = root.putArray("services");
        for (Service s : services) {
            ObjectNode n = arr.addObject();
            n.put("name", s.name());
            n.put("pid", s.pid());
            n.put("port", s.port());
            n.put("jar", s.jar().toString());
            n.put("heap", s.heap());
            ObjectNode props = n.putObject("properties");
            s.properties().forEach(props::put);
        }
        Path target = file(workDir);
        Path tmp = workDir.resolve(FILE + ".tmp");
        try {
            MAPPER.writeValue(tmp.toFile(), root);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** The record in {@code workDir}, or null when there is none. */
    public static StackRecord read(Path workDir) {
        Path f = file(workDir);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            JsonNode root = MAPPER.readTree(f.toFile());
            List<Service> services = new ArrayList<>();
            for (JsonNode n : required(root, "services", f)) {
                Map<String, String> props = new LinkedHashMap<>();
                n.path("properties").fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
                services.add(new Service(required(n, "name", f).asText(), required(n, "pid", f).asLong(),
                        required(n, "port", f).asInt(), Path.of(required(n, "jar", f).asText()),
                        n.path("heap").asText(""), props));
            }
            JsonNode broker = required(root, "broker", f);
            return new StackRecord(new StackEndpoints(required(root, "bootstrap", f).asText(),
                    required(root, "grpc", f).asText(), required(root, "http", f).asText(),
                    required(root, "model", f).asText()), Path.of(required(root, "bundle", f).asText()),
                    Path.of(required(broker, "dir", f).asText()), required(broker, "pid", f).asLong(), services);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + f + " (" + e.getMessage() + "); stop the processes it "
                    + "names by hand and delete it", e);
        }
    }

    /** Removes {@code workDir}'s record. */
    public static void delete(Path workDir) {
        try {
            Files.deleteIfExists(file(workDir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file(workDir) + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode n, String field, Path f) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IOException("field '" + field + "' missing");
        }
        return v;
    }
}
