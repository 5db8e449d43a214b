package dev.twin.merger.discovery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The executors as the A records of a Kubernetes headless Service: one per ready pod, each {@code ip:port}. Resolved
 * through the JVM's resolver (search domains apply, so the Service's short name works inside its namespace); the
 * JVM caches answers for networkaddress.cache.ttl (30 s by default), so the merger's pod sets
 * -Dsun.net.inetaddr.ttl=1 (deploy/k8s).
 */
final class DnsMembers {
    /** The name service: all addresses of a host name. */
    interface Resolver {
        InetAddress[] all(String name) throws UnknownHostException;
    }

    private final String name;
    private final int port;
    private final Resolver resolver;

    DnsMembers(String name, int port, Resolver resolver) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("twin.merger.discovery.dns-name is blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("twin.merger.discovery.dns-port " + port + " is not in 1..65535");
        }
        this.name = name;
        this.port = port;
        this.resolver = resolver;
    }

    /**
     * The executor addresses now; empty when the name does not resolve (no ready pod: the Service has no records).
     * Optional.empty() when the lookup itself failed otherwise, so the caller keeps the set it has.
     */
    Optional<Set<String>> resolve() {
        try {
            Set<String> out = new TreeSet<>();
            for (InetAddress a : resolver.all(name)) {
                out.add(a.getHostAddress() + ":" + port);
            }
            return Optional.of(out);
        } catch (UnknownHostException e) {
            return Optional.of(Set.of());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    String describe() {
        return name + ":" + port;
    }
}
