package dev.twin.merger.executor;

import dev.twin.merger.cache.MergedWeights;
import dev.twin.merger.config.MergerConfig;
import dev.twin.merger.metrics.MergerMetrics;
import dev.twin.merger.placement.HashRing;
import dev.twin.merger.security.ExecutorCredentials;
import dev.twin.proto.executor.ExecuteReply;
import dev.twin.proto.executor.ExecuteRequest;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The executors the merger knows now (discovery updates the set at run time): a cluster batch goes to its key's owner
 * on the hash ring (cache affinity), and to the next executor on the ring when one is unreachable (UNAVAILABLE,
 * DEADLINE_EXCEEDED); traffic that needs no installed set (exact, static) goes to the least loaded executor.
 * INVALID_ARGUMENT is the batch's fault. Each fail-over step reads the current ring, so a call whose executor left
 * is retried on the key's new owner.
 */
@ApplicationScoped
public class ExecutorPool {
    private static final Logger LOG = Logger.getLogger(ExecutorPool.class);

    /** The ring and a client per member, replaced as a whole on every membership change. */
    private record View(HashRing ring, Map<String, ExecutorClient> clients) {
        static final View EMPTY = new View(null, Map.of());

        List<String> members() {
            return ring == null ? List.of() : ring.nodes();
        }

        List<String> order(String key) {
            return ring == null ? List.of() : ring.order(key);
        }
    }

    private final int virtualNodes;
    private final long timeoutSeconds;
    private final MergerMetrics metrics;
    private final ChannelCredentials credentials;
    private volatile View view = View.EMPTY;
    private final AtomicInteger rotation = new AtomicInteger();
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();

    @Inject
    public ExecutorPool(MergerConfig config, MergerMetrics metrics, ExecutorCredentials credentials) {
        this(config.virtualNodes(), config.executorTimeoutSeconds(), metrics, credentials.get());
    }

    /** Plaintext channels, meters in a registry of its own (tests). */
    public ExecutorPool(int virtualNodes, long timeoutSeconds) {
        this(virtualNodes, timeoutSeconds, new MergerMetrics(new SimpleMeterRegistry()),
                InsecureChannelCredentials.create());
    }

    public ExecutorPool(int virtualNodes, long timeoutSeconds, MergerMetrics metrics, ChannelCredentials credentials) {
        if (virtualNodes < 1) {
            throw new IllegalArgumentException("twin.merger.virtual-nodes must be >= 1, got " + virtualNodes);
        }
        this.virtualNodes = virtualNodes;
        this.timeoutSeconds = timeoutSeconds;
        this.metrics = metrics;
        this.credentials = credentials;
    }

    void onStop(@Observes ShutdownEvent event) {
        view.clients().values().forEach(ExecutorClient::close);
    }

    /**
     * Makes {@code members} the executor set: a new ring (keys move only to or from the members that changed), a
     * client for each new member; clients of members that left are shut down gracefully (calls already running on
     * them finish; new ones fail over). Returns whether the set changed.
     */
    public synchronized boolean update(Collection<String> members) {
        Set<String> next = new TreeSet<>(members); // sorted: the ring does not depend on discovery order
        View old = view;
        if (next.equals(new TreeSet<>(old.members()))) {
            return false;
        }
        Map<String, ExecutorClient> clients = new LinkedHashMap<>();
        for (String a : next) {
            ExecutorClient c = old.clients().get(a);
            clients.put(a, c != null ? c : new ExecutorClient(a, timeoutSeconds, credentials,
                    nanos -> metrics.installed(a, nanos)));
        }
        view = next.isEmpty() ? View.EMPTY : new View(new HashRing(next, virtualNodes), Map.copyOf(clients));
        old.clients().forEach((a, c) -> {
            if (!next.contains(a)) {
                c.shutdown();
            }
        });
        Set<String> joined = new TreeSet<>(next);
        joined.removeAll(old.members());
        Set<String> left = new TreeSet<>(old.members());
        left.removeAll(next);
        LOG.infof("executors now %s (joined %s, left %s), %d virtual nodes each", next, joined, left, virtualNodes);
        return true;
    }

    /** The current members, sorted. */
    public List<String> members() {
        return view.members();
    }

    /** The current owner of a cluster key, or null when no executor is known. */
    public String owner(String key) {
        View v = view;
        return v.ring == null ? null : v.ring.owner(key);
    }

    /** Calls each executor has answered since this merger started (members that left included). */
    public Map<String, Long> answeredCalls() {
        Map<String, Long> out = new TreeMap<>();
        calls.forEach((a, n) -> out.put(a, n.get()));
        return out;
    }

    /** The reply and the executor that gave it. */
    public record Executed(ExecuteReply reply, String executor) {
    }

    /** Runs request (key = cluster key) on the key's executor, failing over along the ring. */
    public Executed execute(ExecuteRequest request, MergedWeights weights, boolean fresh) {
        return execute(request, v -> v.order(request.getKey()), c -> c.run(request, weights, fresh));
    }

    /**
     * Runs a request that needs no installed set (θ*, optionally with per-row weights) on the least loaded executor
     * (fewest calls in flight; ties rotate), failing over to the next least loaded.
     */
    public Executed executeAnywhere(ExecuteRequest request) {
        int start = rotation.getAndIncrement();
        return execute(request, v -> leastLoaded(v, start), c -> c.run(request));
    }

    private static List<String> leastLoaded(View v, int rotation) {
        List<String> nodes = v.members();
        List<String> order = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            order.add(nodes.get(Math.floorMod(rotation + i, nodes.size())));
        }
        order.sort(Comparator.comparingInt(a -> v.clients().get(a).inFlight())); // stable: ties keep the rotation
        return order;
    }

    private Executed execute(ExecuteRequest request, Function<View, List<String>> order,
                             Function<ExecutorClient, ExecuteReply> call) {
        Set<String> tried = new HashSet<>();
        StatusRuntimeException last = null;
        while (true) {
            View v = view; // re-read: members may have joined or left since the last attempt
            String address = order.apply(v).stream().filter(a -> !tried.contains(a)).findFirst().orElse(null);
            if (address == null) {
                break;
            }
            tried.add(address);
            MergerMetrics.ExecutorCall timed = metrics.executorCall(address);
            try {
                ExecuteReply reply = call.apply(v.clients().get(address));
                timed.done("ok");
                calls.computeIfAbsent(address, a -> new AtomicLong()).incrementAndGet();
                return new Executed(reply, address);
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                boolean rejected = code == Status.Code.INVALID_ARGUMENT || code == Status.Code.NOT_FOUND;
                timed.done(rejected ? "rejected" : "unavailable");
                if (rejected) {
                    throw new BatchRejectedException("executor " + address + " rejected batch of cluster '"
                            + request.getKey() + "': " + e.getStatus().getDescription(), e);
                }
                LOG.warnf("executor %s failed for cluster '%s' (%s): trying the next one", address,
                        request.getKey(), e.getStatus());
                last = e;
            } catch (RuntimeException e) {
                timed.done("error");
                throw e;
            }
        }
        throw new ExecutorUnavailableException((tried.isEmpty() ? "no executor known yet" : "no executor of "
                + tried + " could run cluster '" + request.getKey() + "'") + ": last error "
                + (last == null ? "none" : last.getStatus()), last);
    }
}
