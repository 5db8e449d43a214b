package dev.twin.merger.executor;

import dev.twin.merger.cache.MergedWeights;
import dev.twin.merger.config.MergerConfig;
import dev.twin.merger.placement.HashRing;
import dev.twin.proto.executor.ExecuteReply;
import dev.twin.proto.executor.ExecuteRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The configured executors: a batch goes to its cluster key's owner on the hash ring, and to the next executor on
 * the ring when one is unreachable (UNAVAILABLE, DEADLINE_EXCEEDED). INVALID_ARGUMENT is the batch's fault.
 */
@ApplicationScoped
public class ExecutorPool {
    private static final Logger LOG = Logger.getLogger(ExecutorPool.class);

    private final HashRing ring;
    private final Map<String, ExecutorClient> clients = new LinkedHashMap<>();

    public ExecutorPool(MergerConfig config) {
        this.ring = new HashRing(config.executors(), config.virtualNodes());
        for (String a : ring.nodes()) {
            clients.put(a, new ExecutorClient(a, config.executorTimeoutSeconds()));
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
        StatusRuntimeException last = null;
        for (String address : ring.order(request.getKey())) {
            try {
                return new Executed(clients.get(address).run(request, weights, fresh), address);
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                if (code == Status.Code.INVALID_ARGUMENT || code == Status.Code.NOT_FOUND) {
                    throw new BatchRejectedException("executor " + address + " rejected batch of cluster '"
                            + request.getKey() + "': " + e.getStatus().getDescription(), e);
                }
                LOG.warnf("executor %s failed for cluster '%s' (%s): trying the next one", address,
                        request.getKey(), e.getStatus());
                last = e;
            }
        }
        throw new ExecutorUnavailableException("no executor of " + ring.nodes() + " could run cluster '"
                + request.getKey() + "': last error " + (last == null ? "none" : last.getStatus()), last);
    }
}
