package dev.twin.cli.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The endpoints of a running stack as DESIGN.md's CLI contract names them: Kafka bootstrap {@code host:port}, the
 * router's gRPC {@code host:port} and REST base URL, and the model name the router serves.
 */
public record StackEndpoints(String bootstrap, String grpc, String http, String model) {

    /** The router's live dashboard page. */
    public String dashboard() {
        return http + "/dashboard/";
    }

    /** Writes {@code {"bootstrap", "grpc", "http", "model"}} to {@code file} (parent directories created). */
    public void writeJson(Path file) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("bootstrap", bootstrap);
        root.put("grpc", grpc);
        root.put("http", http);
        root.put("model", model);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            mapper.writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
