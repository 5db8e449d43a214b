package dev.twin.merger.executor;

import dev.twin.merger.cache.MergedWeights;
import dev.twin.merger.config.MergerConfig;
import dev.twin.merger.metrics.MergerMetrics;
import dev.twin.merger.placement.HashRing;
import dev.twin.merger.security.ExecutorCredentials;
import dev.twin.proto.executor.ExecuteReply;
import dev.twin.proto.executor.ExecuteRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The configured executors: a cluster batch goes to its key's owner on the hash ring (cache affinity), and to the
 * next executor on the ring when one is unreachable (UNAVAILABLE, DEADLINE_EXCEEDED); traffic that needs no installed
 * set (exact, static) goes to the least loaded executor. INVALID_ARGUMENT is the batch's fault.
 */
@ApplicationScoped
public class ExecutorPool {
    private static final Logger LOG = Logger.getLogger(ExecutorPool.class);

    private final HashRing ring;
    private final Map<String, ExecutorClient> clients = new LinkedHashMap<>();
    private final AtomicInteger rotation = new AtomicInteger();
    private final MergerMetrics metrics;

    public ExecutorPool(MergerConfig config, MergerMetrics metrics, ExecutorCredentials credentials) {
        this.metrics = metrics;
        this.ring = new HashRing(config.executors(), config.virtualNodes());
        for (String a : ring.nodes()) {
            clients.put(a, new ExecutorClient(a, config.executorTimeoutSeconds(), credentials.get(),
                    nanos -> metrics.installed(a, nanos)));
        }
        LOG.infof("executors %s, %d virtual nodes each", ring.nodes(), config.virtualNodes());
    }

    void onStop(@Observes ShutdownEvent event) {
        clients.values().forEach(ExecutorClient::close);
    }

    /** The reply and the executor that gave it. */
    public record Executed(ExecuteReply reply, String executor) {
    }

    /** Runs request (key = cluster key) on the key's executor, failing over along the ring. */
    public Executed execute(ExecuteRequest request, MergedWeights weights, boolean fresh) {
        return execute(request, ring.order(request.getKey()), c -> c.run(request, weights, fresh));
    }

    /**
     * Runs a request that needs no installed set (θ*, optionally with per-row weights) on the least loaded executor
     * (fewest calls in flight; ties rotate), failing over to the next least loaded.
     */
    public Executed executeAnywhere(ExecuteRequest request) {
        List<String> nodes = ring.nodes();
        int start = Math.floorMod(rotation.getAndIncrement(), nodes.size());
        List<String> order = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            order.add(nodes.get((start + i) % nodes.size()));
        }
        order.sort(Comparator.comparingInt(a -> clients.get(a).inFlight())); // stable: ties keep the rotation
        return execute(request, order, c -> c.run(request));
    }

    private Executed execute(ExecuteRequest request, List<String> order, Function<ExecutorClient, ExecuteReply> call) {
        String what = request.getKey().isEmpty() ? "rows on the shared expert" : "cluster '" + request.getKey() + "'";
        StatusRuntimeException last = null;
        for (String address : order) {
            MergerMetrics.ExecutorCall timed = metrics.executorCall(address);
            try {
                Executed done = new Executed(call.apply(clients.get(address)), address);
                timed.done("ok");
                return done;
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
        throw new ExecutorUnavailableException("no executor of " + ring.nodes() + " could run cluster '"
                + request.getKey() + "': last error " + (last == null ? "none" : last.getStatus()), last);
    }
}
