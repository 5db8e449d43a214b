package dev.twin.merger.placement;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Consistent hashing: each node sits at {@code virtualNodes} points of a 64-bit ring (hash of "node#i"); a key
 * belongs to the first point clockwise of hash(key). Adding or removing one of n nodes moves only ~1/n of the keys.
 * Immutable.
 */
public final class HashRing {
    private final TreeMap<Long, String> points = new TreeMap<>();
    private final List<String> nodes;

    public HashRing(Collection<String> nodes, int virtualNodes) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("hash ring needs at least one node");
        }
        if (virtualNodes < 1) {
            throw new IllegalArgumentException("virtual nodes per node must be >= 1, got " + virtualNodes);
        }
        this.nodes = List.copyOf(new LinkedHashSet<>(nodes));
        if (this.nodes.size() != nodes.size()) {
            throw new IllegalArgumentException("hash ring nodes are not distinct: " + nodes);
        }
        for (String node : this.nodes) {
            for (int i = 0; i < virtualNodes; i++) {
                points.put(hash(node + "#" + i), node);
            }
        }
    }

    public List<String> nodes() {
        return nodes;
    }

    /** The node owning key. */
    public String owner(String key) {
        Map.Entry<Long, String> e = points.ceilingEntry(hash(key));
        return (e != null ? e : points.firstEntry()).getValue();
    }

    /** Every node once, in ring order from key's owner: the fail-over order for key. */
    public List<String> order(String key) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        long h = hash(key);
        for (String n : points.tailMap(h, true).values()) {
            if (out.add(n) && out.size() == nodes.size()) {
                return new ArrayList<>(out);
            }
        }
        for (String n : points.headMap(h, false).values()) {
            if (out.add(n) && out.size() == nodes.size()) {
                break;
            }
        }
        return new ArrayList<>(out);
    }

    /** First 8 bytes of MD5(s) as a signed long (well spread, stable across JVMs). */
    static long hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (d[i] & 0xffL);
            }
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }
}
