package dev.twin.router.route;

import dev.twin.proto.tensor.Fp32;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.twin.core.group.Exact;
import dev.twin.core.group.Group;
import dev.twin.core.group.GroupingStrategy;
import dev.twin.core.router.RouterSession;
import dev.twin.proto.routed.RoutedBatch;
import dev.twin.proto.routed.RoutedItem;
import dev.twin.router.request.InferenceRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Routes one micro-batch: logits of all rows in one router call, w = softmax(logits / temperature) per row, the
 * grouping strategy's groups, and one {@link RoutedBatch} per group carrying its rows as one little-endian float32
 * block. A strategy that ignores the weights ("static") skips the router call. For "exact" every row keeps its own w
 * ({@code row_weights}); a grouped strategy groups requests, and a request of several rows by the mean of its rows'
 * w (its rows stay together, answered as one response). With {@code coalesceClusters}
 * (twin.router.grouping.cluster-records=per-batch) a grouped strategy's clusters travel as one record instead of one
 * each: keyed "exact", each row carrying its cluster's weights, each item naming its cluster. Mergers that run
 * clusters factored serve that the same way, with fewer records on every hop; only a merger that materializes
 * clusters needs one record per cluster.
 */
public final class BatchRouter {
    private final LogitScorer scorer;
    private final List<String> tasks;
    private final int inputSize;
    private final double temperature;
    private final GroupingStrategy strategy;
    private final long maxMessageBytes;
    private final boolean coalesceClusters;

    public BatchRouter(LogitScorer scorer, List<String> tasks, int inputSize, double temperature,
                       GroupingStrategy strategy) {
        this(scorer, tasks, inputSize, temperature, strategy, Long.MAX_VALUE, false);
    }

    /**
     * {@code maxMessageBytes}: a group's requests are split over several records so that each stays under it;
     * {@code coalesceClusters}: a grouped strategy's clusters go in one record per micro-batch (above).
     */
    public BatchRouter(LogitScorer scorer, List<String> tasks, int inputSize, double temperature,
                       GroupingStrategy strategy, long maxMessageBytes, boolean coalesceClusters) {
        this.maxMessageBytes = maxMessageBytes;
        this.coalesceClusters = coalesceClusters;
        this.scorer = scorer;
        this.tasks = List.copyOf(tasks);
        this.inputSize = inputSize;
        this.temperature = temperature;
        this.strategy = strategy;
    }

    /**
     * Whether the batches' cluster key names no merged weight set ("exact", "static"): their records need no
     * partition affinity and are spread over partitions instead of all landing on one key.
     */
    public boolean spreadsKeys() {
        return strategy.perRowWeights() || !strategy.usesRouter() || coalesceClusters;
    }

    public List<RoutedBatch> route(List<InferenceRequest> batch) {
        return route(batch, RouteObserver.NONE);
    }

    /** As {@link #route(List)}, telling {@code observer} the rows' weights and the number of cluster batches. */
    public List<RoutedBatch> route(List<InferenceRequest> batch, RouteObserver observer) {
        if (batch.isEmpty()) {
            return List.of();
        }
        int n = batch.size();
        int t = tasks.size();
        int rows = 0;
        for (InferenceRequest r : batch) {
            rows += r.rowCount();
        }
        if (!strategy.usesRouter()) {
            List<RoutedBatch> out = batches(batch, strategy.assign(new float[n][t]), null, null);
            observer.routed(tasks, null, rows, out.size());
            return out;
        }
        float[] x = new float[rows * inputSize];
        FloatBuffer into = FloatBuffer.wrap(x);
        for (InferenceRequest r : batch) {
            into.put(Fp32.view(r.rows()));
        }
        float[][] logits = scorer.logits(x, rows);
        if (logits.length != rows) {
            throw new IllegalStateException("router returned " + logits.length + " logit rows for " + rows + " inputs");
        }
        float[][] w = new float[rows][];
        for (int i = 0; i < rows; i++) {
            if (logits[i].length != t) {
                throw new IllegalStateException("router returned " + logits[i].length + " logits for " + t
                        + " tasks " + tasks);
            }
            w[i] = RouterSession.softmax(logits[i], temperature);
        }
        // a request's w: its row's, or the mean over its rows (w̄ = Σ w_r / N) for a batch request
        float[][] requestW = new float[n][];
        int[] firstRow = new int[n];
        for (int i = 0, row = 0; i < n; row += batch.get(i).rowCount(), i++) {
            firstRow[i] = row;
            int k = batch.get(i).rowCount();
            if (k == 1) {
                requestW[i] = w[row];
                continue;
            }
            float[] mean = new float[t];
            for (int r = row; r < row + k; r++) {
                for (int j = 0; j < t; j++) {
                    mean[j] += w[r][j] / k;
                }
            }
            requestW[i] = mean;
        }
        List<Group> groups = strategy.assign(requestW);
        observer.routed(tasks, w, rows, groups.size());
        if (strategy.perRowWeights()) {
            return batches(batch, groups, (members, out) -> {
                for (int m : members) {
                    for (int r = firstRow[m]; r < firstRow[m] + batch.get(m).rowCount(); r++) {
                        out.put(w[r]);
                    }
                }
            }, null);
        }
        if (!coalesceClusters) {
            return batches(batch, groups, null, null);
        }
        // one "exact" record: the members in group order, every row with its cluster's weights w_key
        String[] clusterOf = new String[n];
        float[][] weightsOf = new float[n][];
        int[] members = new int[n];
        int next = 0;
        for (Group g : groups) {
            for (int m : g.members()) {
                clusterOf[m] = g.key();
                weightsOf[m] = g.weights();
                members[next++] = m;
            }
        }
        Group all = new Group(Exact.NAME, new float[t], members);
        return batches(batch, List.of(all), (part, out) -> {
            for (int m : part) {
                for (int r = 0; r < batch.get(m).rowCount(); r++) {
                    out.put(weightsOf[m]);
                }
            }
        }, clusterOf);
    }

    /** Writes the row weights of a group's members, in member then row order. */
    private interface RowWeights {
        void write(int[] members, FloatBuffer out);
    }

    /** {@code clusterOf}: each request's cluster key, set on its item (null: the items name none). */
    private List<RoutedBatch> batches(List<InferenceRequest> batch, List<Group> groups, RowWeights rowWeights,
                                      String[] clusterOf) {
        List<RoutedBatch> out = new ArrayList<>(groups.size());
        for (Group g : groups) {
            // the group's members in records under the size limit (a request alone always fits: the pipeline checked)
            List<Integer> part = new ArrayList<>();
            long size = RoutedSize.RECORD_OVERHEAD;
            for (int m : g.members()) {
                InferenceRequest r = batch.get(m);
                long add = RoutedSize.of(r, item(r, cluster(clusterOf, m)), tasks.size());
                if (!part.isEmpty() && size + add > maxMessageBytes) {
                    out.add(record(batch, g, part, rowWeights, clusterOf));
                    part = new ArrayList<>();
                    size = RoutedSize.RECORD_OVERHEAD;
                }
                part.add(m);
                size += add;
            }
            out.add(record(batch, g, part, rowWeights, clusterOf));
        }
        return out;
    }

    private static String cluster(String[] clusterOf, int member) {
        return clusterOf == null ? null : clusterOf[member];
    }

    private RoutedBatch record(List<InferenceRequest> batch, Group g, List<Integer> part, RowWeights rowWeights,
                               String[] clusterOf) {
        int[] members = part.stream().mapToInt(Integer::intValue).toArray();
        RoutedBatch.Builder b = RoutedBatch.newBuilder().setClusterKey(g.key()).setRowSize(inputSize);
        if (rowWeights == null) {
            for (int t = 0; t < tasks.size(); t++) {
                b.putMergeWeights(tasks.get(t), g.weights()[t]);
            }
        }
        // the members' rows: the requests' blocks joined (a rope, copied once when the record is serialized)
        ByteString rows = ByteString.EMPTY;
        int rowCount = 0;
        for (int m : members) {
            InferenceRequest r = batch.get(m);
            b.addItems(item(r, cluster(clusterOf, m)));
            rows = rows.concat(r.rows());
            rowCount += r.rowCount();
        }
        b.setRows(rows);
        if (rowWeights != null) {
            ByteBuffer bytes = ByteBuffer.allocate(rowCount * tasks.size() * Float.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN);
            rowWeights.write(members, bytes.asFloatBuffer());
            b.setRowWeights(UnsafeByteOperations.unsafeWrap(bytes.array()));
        }
        return b.build();
    }

    static RoutedItem item(InferenceRequest r) {
        return item(r, null);
    }

    /** {@code cluster}: the item's own cluster key (a record of several clusters), or null. */
    static RoutedItem item(InferenceRequest r, String cluster) {
        RoutedItem.Builder b = RoutedItem.newBuilder().setRequestId(r.id()).setEncoding(r.encoding())
                .setRowCount(r.rowCount());
        if (cluster != null) {
            b.setClusterKey(cluster);
        }
        if (r.task() != null) {
            b.setTask(r.task());
        }
        if (r.replyTo() != null) {
            b.setReplyTo(r.replyTo());
        }
        if (r.traceparent() != null) {
            b.setTraceparent(r.traceparent());
        }
        if (r.correlation() != null) {
            b.setCorrelation(r.correlation());
        }
        if (r.original() != null) {
            b.setOriginal(r.original());
        }
        return b.build();
    }
}
