package dev.twin.core.tensor;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint split over several safetensors files, described by {@code model.safetensors.index.json}:
 * {@code {"metadata": {...}, "weight_map": {"tensor name": "shard file name", ...}}} (the Hugging Face layout).
 * <p>
 * The index is validated at open, including that every shard file exists; a shard is opened (and its header checked
 * against the index: same tensors in both directions) the first time one of its tensors is asked for.
 */
public final class ShardedCheckpoint implements TensorSource {
    /** File name of the index inside a sharded checkpoint directory. */
    public static final String INDEX_FILE = "model.safetensors.index.json";
    private static final long MAX_INDEX_BYTES = 100_000_000L;

    private final Path dir;
    private final Path indexFile;
    private final Map<String, String> weightMap;
    private final Map<String, String> metadata;
    private final Map<String, SafetensorsFile> openShards = new HashMap<>();
    private final long chunkBytes;
    private boolean closed;

    private ShardedCheckpoint(Path dir, Path indexFile, Map<String, String> weightMap, Map<String, String> metadata,
                              long chunkBytes) {
        this.dir = dir;
        this.indexFile = indexFile;
        this.weightMap = weightMap;
        this.metadata = metadata;
        this.chunkBytes = chunkBytes;
    }

    /** Opens the sharded checkpoint in {@code dir} (which must hold {@value #INDEX_FILE}). */
    public static ShardedCheckpoint open(Path dir) {
        return open(dir, RegionDecoder.DEFAULT_CHUNK_BYTES);
    }

    static ShardedCheckpoint open(Path dir, long chunkBytes) {
        Path index = dir.resolve(INDEX_FILE);
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir, "not a directory (a sharded checkpoint is a directory holding "
                    + INDEX_FILE + ")");
        }
        if (!Files.isRegularFile(index)) {
            throw new CheckpointException(dir, "no " + INDEX_FILE + " in this directory");
        }
        byte[] bytes;
        try {
            long size = Files.size(index);
            if (size > MAX_INDEX_BYTES) {
                throw new CheckpointException(index, "index is " + size + " bytes, over the limit of "
                        + MAX_INDEX_BYTES);
            }
            bytes = Files.readAllBytes(index);
        } catch (IOException e) {
            throw new CheckpointException(index, "cannot read: " + e, e);
        }
        JsonNode root = SafetensorsHeader.readJson(index, bytes, "index");
        if (!root.isObject()) {
            throw new CheckpointException(index, "index is not a JSON object (got " + SafetensorsHeader.kind(root)
                    + ")");
        }
        Map<String, String> metadata = parseMetadata(index, root.get("metadata"));
        JsonNode wm = root.get("weight_map");
        if (wm == null) {
            throw new CheckpointException(index, "missing field 'weight_map'");
        }
        if (!wm.isObject()) {
            throw new CheckpointException(index, "weight_map is " + SafetensorsHeader.kind(wm)
                    + ", expected an object mapping tensor names to shard files");
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        Map<String, String> checkedShards = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : wm.properties()) {
            String tensor = e.getKey();
            if (!e.getValue().isTextual()) {
                throw new CheckpointException(index, "weight_map entry for tensor '" + tensor + "' is "
                        + SafetensorsHeader.kind(e.getValue()) + ", expected a shard file name");
            }
            String shard = e.getValue().textValue();
            if (!checkedShards.containsKey(shard)) {
                checkShardFile(dir, index, tensor, shard);
                checkedShards.put(shard, tensor);
            }
            weightMap.put(tensor, shard);
        }
        return new ShardedCheckpoint(dir, index, Collections.unmodifiableMap(weightMap), metadata, chunkBytes);
    }

    /** A shard must be a plain file name in the checkpoint directory (no paths out of it) and must exist. */
    private static void checkShardFile(Path dir, Path index, String tensor, String shard) {
        boolean plain = !shard.isEmpty() && !shard.equals(".") && !shard.equals("..")
                && shard.indexOf('/') < 0 && shard.indexOf('\\') < 0 && shard.indexOf('\0') < 0;
        if (!plain) {
            throw new CheckpointException(index, "weight_map maps tensor '" + tensor + "' to '" + shard
                    + "', which is not a plain file name in the checkpoint directory");
        }
        if (!Files.isRegularFile(dir.resolve(shard))) {
            throw new CheckpointException(index, "weight_map maps tensor '" + tensor + "' to shard '" + shard
                    + "', which does not exist in " + dir);
        }
    }

    /** "metadata" is optional; scalar values (Hugging Face writes total_size as a number) are kept as text. */
    private static Map<String, String> parseMetadata(Path index, JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new CheckpointException(index, "metadata is " + SafetensorsHeader.kind(node)
                    + ", expected an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (v.isContainerNode()) {
                throw new CheckpointException(index, "metadata '" + e.getKey() + "' is "
                        + SafetensorsHeader.kind(v) + ", expected a string or number");
            }
            out.put(e.getKey(), v.asText());
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public Path path() {
        return dir;
    }

    /** The shard file names in the order the index first mentions them. */
    public List<String> shardFiles() {
        return new ArrayList<>(new LinkedHashSet<>(weightMap.values()));
    }

    @Override
    public List<String> names() {
        return new ArrayList<>(weightMap.keySet());
    }

    @Override
    public TensorInfo info(String name) {
        return shardOf(name).info(name);
    }

    @Override
    public FloatTensor load(String name) {
        return shardOf(name).load(name);
    }

    @Override
    public int[] loadInts(String name) {
        return shardOf(name).loadInts(name);
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    private SafetensorsFile shardOf(String name) {
        String shard = weightMap.get(name);
        if (shard == null) {
            throw new CheckpointException(indexFile, "no tensor named '" + name + "' in weight_map ("
                    + weightMap.size() + " tensors: " + Checkpoints.listNames(weightMap.keySet()) + ")");
        }
        return shard(shard);
    }

    private synchronized SafetensorsFile shard(String shard) {
        if (closed) {
            throw new CheckpointException(dir, "checkpoint is closed");
        }
        SafetensorsFile f = openShards.get(shard);
        if (f == null) {
            f = SafetensorsFile.open(dir.resolve(shard), chunkBytes);
            try {
                checkAgainstIndex(shard, f);
            } catch (RuntimeException e) {
                f.close();
                throw e;
            }
            openShards.put(shard, f);
        }
        return f;
    }

    /** The shard must hold exactly the tensors the index maps to it: a mismatch means index and shards disagree. */
    private void checkAgainstIndex(String shard, SafetensorsFile f) {
        Set<String> inShard = new HashSet<>(f.names());
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
            if (e.getValue().equals(shard) && !inShard.contains(e.getKey())) {
                missing.add(e.getKey());
            }
        }
        if (!missing.isEmpty()) {
            throw new CheckpointException(f.path(), INDEX_FILE + " maps tensors " + Checkpoints.listNames(missing)
                    + " to this shard but it does not contain them");
        }
        List<String> extra = new ArrayList<>();
        for (String t : f.names()) {
            if (!shard.equals(weightMap.get(t))) {
                extra.add(t);
            }
        }
        if (!extra.isEmpty()) {
            throw new CheckpointException(f.path(), "shard contains tensors " + Checkpoints.listNames(extra)
                    + " that " + INDEX_FILE + " does not map to it");
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (SafetensorsFile f : openShards.values()) {
            f.close();
        }
        openShards.clear();
    }

    @Override
    public String toString() {
        return "ShardedCheckpoint[" + dir + ", " + weightMap.size() + " tensors]";
    }
}
