package dev.twin.merger.discovery;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The executor set as heartbeats describe it: the latest heartbeat per address (its time and bundle version), a
 * tombstone removing the address at once, and expiry of addresses whose latest heartbeat is older than the bound
 * (an executor that died without a tombstone). Not thread-safe: one reader thread owns it.
 */
public final class Membership {
    private record Beat(String version, long atMillis) {
    }

    private final long expireAfterMillis;
    private final String requiredVersion;
    private final Map<String, Beat> beats = new HashMap<>();

    /** {@code requiredVersion} null: any bundle version counts. */
    public Membership(long expireAfterMillis, String requiredVersion) {
        if (expireAfterMillis < 1) {
            throw new IllegalArgumentException("heartbeat expiry must be >= 1 ms, got " + expireAfterMillis);
        }
        this.expireAfterMillis = expireAfterMillis;
        this.requiredVersion = requiredVersion;
    }

    /** A heartbeat of {@code address} serving {@code version}, sent at {@code atMillis}; older ones do not count. */
    public void heartbeat(String address, String version, long atMillis) {
        beats.merge(address, new Beat(version, atMillis), (old, now) -> now.atMillis >= old.atMillis ? now : old);
    }

    /** The tombstone of {@code address}: it left. */
    public void left(String address) {
        beats.remove(address);
    }

    /** The addresses alive at {@code nowMillis} (latest heartbeat within the bound) with the required version. */
    public Set<String> live(long nowMillis) {
        Set<String> out = new TreeSet<>();
        beats.forEach((a, b) -> {
            if (nowMillis - b.atMillis <= expireAfterMillis
                    && (requiredVersion == null || requiredVersion.equals(b.version))) {
                out.add(a);
            }
        });
        return out;
    }

    /** Addresses heard from whose bundle version is not the required one (address to version), for readiness. */
    public Map<String, String> otherVersions() {
        Map<String, String> out = new TreeMap<>();
        beats.forEach((a, b) -> {
            if (requiredVersion != null && !requiredVersion.equals(b.version)) {
                out.put(a, b.version);
            }
        });
        return out;
    }
}
