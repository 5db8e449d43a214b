package dev.twin.merger.kafka;

import dev.twin.merger.config.MergerConfig;
import dev.twin.merger.model.BundleHolder;
import dev.twin.proto.routed.RoutedBatch;
import dev.twin.proto.routed.RoutedItem;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Writes answers to twin.results (or an item's reply-to topic) and bad input to twin.dlq. A result that cannot be
 * encoded or written (invalid or unknown reply-to topic, record too large, …) sends that item to the DLQ with the
 * reason instead, so one poisonous record costs only itself. The futures complete once the broker acknowledged the
 * write; they fail only when the DLQ itself cannot be written (Kafka is failing, not the record).
 */
@ApplicationScoped
public class ResultWriter {
    private static final Logger LOG = Logger.getLogger(ResultWriter.class);
    public static final String STAGE = "merger";

    private final MergerConfig config;
    private final BundleHolder holder;
    private final MutinyEmitter<byte[]> out;
    private final Redelivery redelivery;

    // unbounded: the number of results in flight is bounded by twin.merger.polls-in-flight polls
    public ResultWriter(MergerConfig config, BundleHolder holder,
                        @Channel("out") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) MutinyEmitter<byte[]> out,
                        Redelivery redelivery) {
        this.config = config;
        this.holder = holder;
        this.out = out;
        this.redelivery = redelivery;
    }

    /** Publishes item of a record attempt whose rows are all answered. */
    CompletableFuture<Void> result(RecordWork w, int item) {
        RoutedItem it = w.parsed.checked().batch().getItems(item);
        String topic = it.getReplyTo().isEmpty() ? config.topics().results() : it.getReplyTo();
        byte[] body;
        try {
            body = ResultEncoder.encode(config.modelName(), itemResult(w, item));
        } catch (RuntimeException e) {
            LOG.error("result of request '" + it.getRequestId() + "' cannot be encoded", e);
            return dlqItem(w, item, "result of request '" + it.getRequestId() + "' cannot be encoded: " + e);
        }
        RecordHeaders h = new RecordHeaders();
        h.add("content-type", ResultEncoder.contentType(it.getEncoding()).getBytes(StandardCharsets.UTF_8));
        return send(topic, it.getRequestId(), body, h).exceptionallyCompose(e -> dlqItem(w, item,
                "result of request '" + it.getRequestId() + "' could not be written to '" + topic + "': "
                        + rootMessage(e)));
    }

    private ItemResult itemResult(RecordWork w, int item) {
        Checked c = w.parsed.checked();
        RoutedBatch b = c.batch();
        RoutedItem it = b.getItems(item);
        int from = c.rowStart()[item];
        int n = c.rowsOf(item);
        float[][] logits = new float[n][];
        int[] predicted = new int[n];
        List<Map<String, Float>> weights = new ArrayList<>(n);
        List<String> tasks = holder.require().tasks();
        Map<String, Float> shared = c.route() == Route.STATIC && b.getMergeWeightsCount() == 0
                ? zeros(tasks) : b.getMergeWeightsMap();
        for (int r = 0; r < n; r++) {
            logits[r] = w.logits[from + r];
            predicted[r] = w.predicted[from + r];
            weights.add(c.route() == Route.EXACT ? byTask(tasks, c.rowWeights(from + r, tasks.size())) : shared);
        }
        return new ItemResult(it.getRequestId(), c.tasks()[item], it.getEncoding(), it.getReplyTo(),
                b.getClusterKey(), logits, predicted, weights);
    }

    private static Map<String, Float> byTask(List<String> tasks, float[] w) {
        Map<String, Float> m = new LinkedHashMap<>();
        for (int t = 0; t < tasks.size(); t++) {
            m.put(tasks.get(t), w[t]);
        }
        return m;
    }

    private static Map<String, Float> zeros(List<String> tasks) {
        return byTask(tasks, new float[tasks.size()]);
    }

    /**
     * One item of a record to the DLQ: the record's key and headers plus the reason, and as value a routed batch
     * holding that item alone (its rows and, for exact, its row weights) so it can be inspected or replayed.
     */
    CompletableFuture<Void> dlqItem(RecordWork w, int item, String reason) {
        Checked c = w.parsed.checked();
        RoutedBatch b = c.batch();
        int from = c.rowStart()[item];
        int to = c.rowStart()[item + 1];
        int rowBytes = b.getRowSize() * Float.BYTES;
        RoutedBatch.Builder one = RoutedBatch.newBuilder().setClusterKey(b.getClusterKey())
                .putAllMergeWeights(b.getMergeWeightsMap()).setRowSize(b.getRowSize()).addItems(b.getItems(item))
                .setRows(b.getRows().substring(from * rowBytes, to * rowBytes));
        if (!b.getRowWeights().isEmpty()) {
            int wBytes = b.getRowWeights().size() / c.totalRows();
            one.setRowWeights(b.getRowWeights().substring(from * wBytes, to * wBytes));
        }
        return dlq(w.parsed.record().getKey(), one.build().toByteArray(), w.parsed.headers(), reason);
    }

    /** A whole record to the DLQ: its original key, value and headers, plus the stage and the reason. */
    CompletableFuture<Void> dlq(Object key, byte[] value, Headers original, String reason) {
        LOG.warnf("routed record (key %s) to %s: %s", key, config.topics().dlq(), reason);
        RecordHeaders h = new RecordHeaders();
        for (Header x : original) {
            h.add(x);
        }
        h.add("twin-error-stage", STAGE.getBytes(StandardCharsets.UTF_8));
        h.add("twin-error", (reason == null ? "unknown" : reason).getBytes(StandardCharsets.UTF_8));
        return send(config.topics().dlq(), key, value == null ? new byte[0] : value, h);
    }

    // a broker outage is not the record's fault: re-sent until Kafka takes it (see Redelivery)
    private CompletableFuture<Void> send(String topic, Object key, byte[] value, RecordHeaders headers) {
        return redelivery.untilTaken("write to '" + topic + "' (key " + key + ")", () -> sendOnce(topic, key, value,
                headers));
    }

    private CompletableFuture<Void> sendOnce(String topic, Object key, byte[] value, RecordHeaders headers) {
        try {
            OutgoingKafkaRecordMetadata<Object> m = OutgoingKafkaRecordMetadata.builder().withTopic(topic)
                    .withKey(key).withHeaders(headers).build();
            return out.sendMessage(Message.of(value, Metadata.of(m))).subscribeAsCompletionStage();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t
                && (t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
