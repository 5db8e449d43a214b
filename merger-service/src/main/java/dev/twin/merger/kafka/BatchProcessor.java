package dev.twin.merger.kafka;

import dev.twin.merger.cache.MergedCache;
import dev.twin.merger.executor.ExecutorPool;
import dev.twin.merger.model.BundleHolder;
import dev.twin.merger.model.LoadedBundle;
import dev.twin.proto.executor.ExecuteReply;
import dev.twin.proto.executor.ExecuteRequest;
import dev.twin.proto.executor.Row;
import dev.twin.proto.executor.RowResult;
import dev.twin.proto.routed.RoutedBatch;
import dev.twin.proto.routed.RoutedItem;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** One routed batch → θ(w) from the cache → executed on the cluster's executor → one result per item, in order. */
@ApplicationScoped
public class BatchProcessor {
    private final BundleHolder holder;
    private final MergedCache cache;
    private final ExecutorPool executors;

    public BatchProcessor(BundleHolder holder, MergedCache cache, ExecutorPool executors) {
        this.holder = holder;
        this.cache = cache;
        this.executors = executors;
    }

    public List<ItemResult> process(RoutedBatch batch) {
        LoadedBundle bundle = holder.require();
        BatchCheck.check(batch, bundle);
        String key = batch.getClusterKey();
        ExecuteRequest.Builder req = ExecuteRequest.newBuilder().setKey(key);
        for (RoutedItem item : batch.getItemsList()) {
            req.addRows(Row.newBuilder().setRequestId(item.getRequestId()).setTask(BatchCheck.taskOf(item, batch))
                    .addAllValues(item.getValuesList()));
        }
        ExecuteReply reply;
        try (MergedCache.Lookup merged = cache.get(key, bundle.weights(batch.getMergeWeightsMap()))) {
            reply = executors.execute(req.build(), merged.weights(), merged.fresh()).reply();
        }
        if (reply.getResultsCount() != batch.getItemsCount()) {
            throw new IllegalStateException("executor answered " + reply.getResultsCount() + " of "
                    + batch.getItemsCount() + " rows of cluster '" + key + "'");
        }
        List<ItemResult> out = new ArrayList<>(batch.getItemsCount());
        for (int i = 0; i < batch.getItemsCount(); i++) {
            RoutedItem item = batch.getItems(i);
            RowResult r = reply.getResults(i);
            if (!r.getRequestId().equals(item.getRequestId())) {
                throw new IllegalStateException("executor answered request '" + r.getRequestId() + "' in place of '"
                        + item.getRequestId() + "' (cluster '" + key + "')");
            }
            float[] logits = new float[r.getLogitsCount()];
            for (int j = 0; j < logits.length; j++) {
                logits[j] = r.getLogits(j);
            }
            out.add(new ItemResult(item.getRequestId(), r.getTask(), item.getEncoding(), item.getReplyTo(), logits,
                    r.getPredicted()));
        }
        return out;
    }
}
