package dev.twin.core.tensor;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a weight set as a sharded checkpoint: {@code model-00001-of-0000N.safetensors} ... plus
 * {@value ShardedCheckpoint#INDEX_FILE} ({@code {"metadata":{"total_size":bytes},"weight_map":{...}}}), the layout
 * {@link ShardedCheckpoint} and Hugging Face read.
 */
public final class ShardedWriter {
    private ShardedWriter() {
    }

    /**
     * Fills shards greedily in weight-set order: a tensor starts a new shard when it would push the current one past
     * {@code maxShardBytes} of tensor data; a tensor larger than the limit gets a shard of its own.
     */
    public static void write(Path dir, WeightSet ws, DType dtype, long maxShardBytes) {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CheckpointException(dir, "cannot create directory: " + e, e);
        }
        List<List<String>> shards = partition(ws, dtype, maxShardBytes);
        int n = shards.size();
        ObjectNode index = Json.MAPPER.createObjectNode();
        long total = 0;
        for (FloatTensor t : ws.asMap().values()) {
            total += bytes(t, dtype);
        }
        index.putObject("metadata").put("total_size", total);
        ObjectNode weightMap = index.putObject("weight_map");
        for (int i = 0; i < n; i++) {
            String file = String.format("model-%05d-of-%05d.safetensors", i + 1, n);
            SafetensorsWriter w = new SafetensorsWriter();
            for (String name : shards.get(i)) {
                w.add(name, ws.get(name), dtype);
                weightMap.put(name, file);
            }
            w.write(dir.resolve(file));
        }
        // the index goes last: a reader never sees an index naming shards that are not written yet
        Path indexFile = dir.resolve(ShardedCheckpoint.INDEX_FILE);
        Path tmp = dir.resolve(ShardedCheckpoint.INDEX_FILE + ".tmp");
        try {
            Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
            Files.move(tmp, indexFile, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CheckpointException(indexFile, "cannot write: " + e, e);
        }
    }

    /** Tensor names per shard; always at least one shard (an empty weight set gives one empty shard). */
    static List<List<String>> partition(WeightSet ws, DType dtype, long maxShardBytes) {
        List<List<String>> shards = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long used = 0;
        for (Map.Entry<String, FloatTensor> e : ws.asMap().entrySet()) {
            long b = bytes(e.getValue(), dtype);
            if (!current.isEmpty() && used + b > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                used = 0;
            }
            current.add(e.getKey());
            used += b;
        }
        shards.add(current);
        return shards;
    }

    private static long bytes(FloatTensor t, DType dtype) {
        return (long) t.numel() * dtype.byteSize();
    }
}
