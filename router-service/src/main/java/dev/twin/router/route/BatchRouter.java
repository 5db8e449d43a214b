package dev.twin.router.route;

import dev.twin.core.group.Group;
import dev.twin.core.group.GroupingStrategy;
import dev.twin.core.router.RouterSession;
import dev.twin.proto.routed.RoutedBatch;
import dev.twin.proto.routed.RoutedItem;
import dev.twin.router.request.InferenceRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Routes one micro-batch: logits of all rows in one router call, w = softmax(logits / temperature) per row, the
 * grouping strategy's groups, and one {@link RoutedBatch} per group (cluster key = group key). A strategy that
 * ignores the weights ("static") skips the router call.
 */
public final class BatchRouter {
    private final LogitScorer scorer;
    private final List<String> tasks;
    private final int inputSize;
    private final double temperature;
    private final GroupingStrategy strategy;

    public BatchRouter(LogitScorer scorer, List<String> tasks, int inputSize, double temperature,
                       GroupingStrategy strategy) {
        this.scorer = scorer;
        this.tasks = List.copyOf(tasks);
        this.inputSize = inputSize;
        this.temperature = temperature;
        this.strategy = strategy;
    }

    public List<RoutedBatch> route(List<InferenceRequest> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        int n = batch.size();
        if (!strategy.usesRouter()) {
            return groups(batch, strategy.assign(new float[n][tasks.size()]));
        }
        float[] x = new float[n * inputSize];
        for (int i = 0; i < n; i++) {
            System.arraycopy(batch.get(i).input(), 0, x, i * inputSize, inputSize);
        }
        float[][] logits = scorer.logits(x, n);
        if (logits.length != n) {
            throw new IllegalStateException("router returned " + logits.length + " logit rows for " + n + " inputs");
        }
        float[][] w = new float[n][];
        for (int i = 0; i < n; i++) {
            if (logits[i].length != tasks.size()) {
                throw new IllegalStateException("router returned " + logits[i].length + " logits for " + tasks.size()
                        + " tasks " + tasks);
            }
            w[i] = RouterSession.softmax(logits[i], temperature);
        }
        return groups(batch, strategy.assign(w));
    }

    private List<RoutedBatch> groups(List<InferenceRequest> batch, List<Group> groups) {
        List<RoutedBatch> out = new ArrayList<>(groups.size());
        for (Group g : groups) {
            RoutedBatch.Builder b = RoutedBatch.newBuilder().setClusterKey(g.key());
            for (int t = 0; t < tasks.size(); t++) {
                b.putMergeWeights(tasks.get(t), g.weights()[t]);
            }
            for (int m : g.members()) {
                b.addItems(item(batch.get(m)));
            }
            out.add(b.build());
        }
        return out;
    }

    private static RoutedItem item(InferenceRequest r) {
        RoutedItem.Builder b = RoutedItem.newBuilder().setRequestId(r.id()).setEncoding(r.encoding());
        if (r.task() != null) {
            b.setTask(r.task());
        }
        if (r.replyTo() != null) {
            b.setReplyTo(r.replyTo());
        }
        for (float v : r.input()) {
            b.addValues(v);
        }
        return b.build();
    }
}
