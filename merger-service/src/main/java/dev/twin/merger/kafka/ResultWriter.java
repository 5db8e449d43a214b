package dev.twin.merger.kafka;

import dev.twin.merger.config.MergerConfig;
import dev.twin.merger.metrics.MergerMetrics;
import dev.twin.merger.model.BundleHolder;
import dev.twin.merger.tracing.MergerSpans;
import dev.twin.proto.failure.ErrorResult;
import dev.twin.proto.failure.FailureHeaders;
import dev.twin.proto.routed.Encoding;
import dev.twin.proto.routed.OriginalHeader;
import dev.twin.proto.routed.OriginalRequest;
import dev.twin.proto.routed.RoutedBatch;
import dev.twin.proto.routed.RoutedItem;
import dev.twin.service.kafka.Redelivery;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
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
 * Writes answers to twin.results (or an item's reply-to topic) and failed items to twin.dlq (the client's original
 * request plus stage, reason and request id) with an OIP error result to their caller. A result that cannot be
 * encoded or written (invalid or unknown reply-to topic, record too large, …) fails that item alone, so one poisonous
 * record costs only itself. Every item gets one outcome (see {@link ItemOutcomes}). The futures complete once the broker acknowledged the
 * write; they fail only when the DLQ itself cannot be written (Kafka is failing, not the record).
 */
@ApplicationScoped
public class ResultWriter {
    private static final Logger LOG = Logger.getLogger(ResultWriter.class);
    public static final String STAGE = "merger";

    private final MergerConfig config;
    private final BundleHolder holder;
    private final MutinyEmitter<byte[]> out;
    private final MergerMetrics metrics;
    private final Redelivery redelivery;

    // unbounded: the number of results in flight is bounded by twin.merger.polls-in-flight polls
    public ResultWriter(MergerConfig config, BundleHolder holder,
                        @Channel("out") @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) MutinyEmitter<byte[]> out,
                        MergerMetrics metrics, Redelivery redelivery) {
        this.config = config;
        this.holder = holder;
        this.out = out;
        this.metrics = metrics;
        this.redelivery = redelivery;
    }

    /** Publishes item of a record attempt whose rows are all answered (unless the item already has its outcome). */
    CompletableFuture<Void> result(RecordWork w, int item) {
        if (!w.parsed.outcomes().claim(item)) {
            return CompletableFuture.completedFuture(null);
        }
        RoutedItem it = w.parsed.checked().batch().getItems(item);
        String topic = answerTopic(it);
        byte[] body;
        try {
            body = ResultEncoder.encode(config.modelName(), itemResult(w, item));
        } catch (RuntimeException e) {
            LOG.error("result of request '" + it.getRequestId() + "' cannot be encoded", e);
            return failItem(w, item, "result_encoding", "INTERNAL", "result of request '" + it.getRequestId()
                    + "' cannot be encoded: " + e);
        }
        RecordHeaders h = new RecordHeaders();
        h.add("content-type", ResultEncoder.contentType(it.getEncoding()).getBytes(StandardCharsets.UTF_8));
        if (!it.getCorrelation().isEmpty()) {
            h.add(FailureHeaders.CORRELATION, it.getCorrelation().getBytes(StandardCharsets.UTF_8));
        }
        MergerSpans.inject(w.parsed.spans().asContext(item), h);
        return send(topic, utf8(it.getRequestId()), body, h)
                .thenRun(() -> {
                    w.parsed.spans().ok(item);
                    metrics.result("ok", w.polledNanos);
                })
                .exceptionallyCompose(e -> failItem(w, item, "result_write", "INTERNAL", "result of request '"
                        + it.getRequestId() + "' could not be written to '" + topic + "': " + rootMessage(e)));
    }

    private String answerTopic(RoutedItem it) {
        return it.getReplyTo().isEmpty() ? config.topics().results() : it.getReplyTo();
    }

    /**
     * Every item of a record that has no outcome yet fails with the reason: each to the DLQ with its original request
     * and an error result to its caller; counted under {@code reasonClass} (twin_dlq_records_total's reason tag).
     */
    CompletableFuture<Void> fail(RecordWork w, String reasonClass, String code, String reason) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < w.parsed.checked().batch().getItemsCount(); i++) {
            if (w.parsed.outcomes().claim(i)) {
                all.add(failItem(w, i, reasonClass, code, reason));
            }
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /**
     * A routed record that failed its checks: each of its items to the DLQ with its original request, or, when the
     * router carried none (a record from elsewhere), the record as it came; and an error result to every item's
     * caller.
     */
    CompletableFuture<Void> failRecord(KafkaRecord<String, byte[]> rec, Headers headers, RoutedBatch batch,
                                       String reasonClass, String code, String reason) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        if (batch == null || batch.getItemsList().stream().noneMatch(RoutedItem::hasOriginal)) {
            metrics.dlq(reasonClass);
            all.add(dlq(utf8(rec.getKey()), rec.getPayload(), headers, reason));
            if (batch != null) {
                batch.getItemsList().forEach(it -> all.add(tell(it, code, reason)));
            }
        } else {
            for (RoutedItem it : batch.getItemsList()) {
                metrics.dlq(reasonClass);
                all.add(failItem(it, rec::getPayload, headers, code, reason));
            }
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    /** The item's dead letter and its error result (the caller of item must hold its outcome claim). */
    private CompletableFuture<Void> failItem(RecordWork w, int item, String reasonClass, String code, String reason) {
        Parsed p = w.parsed;
        metrics.result("dlq", w.polledNanos);
        metrics.dlq(reasonClass);
        p.spans().fail(item, reason);
        return failItem(p.checked().batch().getItems(item), () -> alone(p.checked(), item), p.headers(), code, reason);
    }

    private interface Fallback {
        byte[] value();
    }

    /**
     * DLQ: the original request as the client sent it (key, value, headers), or, for an item routed without it, the
     * routed item alone with the routed record's headers; plus stage, reason and request id. Then the error result
     * to the caller ({@link #tell}). Only a failed DLQ write fails the future.
     */
    private CompletableFuture<Void> failItem(RoutedItem it, Fallback routedValue, Headers routedHeaders, String code,
                                             String reason) {
        RecordHeaders h = new RecordHeaders();
        byte[] key;
        byte[] value;
        if (it.hasOriginal()) {
            OriginalRequest o = it.getOriginal();
            key = o.getKey().isEmpty() ? null : o.getKey().toByteArray();
            value = o.getValue().toByteArray();
            for (OriginalHeader x : o.getHeadersList()) {
                if (!FailureHeaders.isOwn(x.getKey())) {
                    h.add(x.getKey(), x.getValue().toByteArray());
                }
            }
            if (o.getValueOmitted()) {
                h.add(FailureHeaders.VALUE_OMITTED, "true".getBytes(StandardCharsets.UTF_8));
            }
        } else {
            key = utf8(it.getRequestId());
            value = routedValue.value();
            for (Header x : routedHeaders) {
                if (!FailureHeaders.isOwn(x.key())) {
                    h.add(x);
                }
            }
        }
        h.add(FailureHeaders.REQUEST_ID, utf8(it.getRequestId()));
        if (!it.getCorrelation().isEmpty()) {
            h.add(FailureHeaders.CORRELATION, utf8(it.getCorrelation()));
        }
        return CompletableFuture.allOf(dlqWith(key, value, h, reason), tell(it, code, reason));
    }

    /**
     * The error result on the item's results topic, carrying its correlation (a synchronous caller learns the reason
     * at once). Never fails: a topic that refuses it refused the result too, and the dead letter holds the request.
     */
    private CompletableFuture<Void> tell(RoutedItem it, String code, String reason) {
        ErrorResult answer = new ErrorResult(config.modelName(), it.getRequestId(), STAGE, code, reason);
        boolean protobuf = it.getEncoding() == Encoding.PROTOBUF;
        RecordHeaders eh = new RecordHeaders();
        eh.add("content-type", utf8(answer.contentType(protobuf)));
        eh.add(FailureHeaders.STAGE, utf8(STAGE));
        eh.add(FailureHeaders.ERROR, utf8(reason));
        eh.add(FailureHeaders.CODE, utf8(code));
        eh.add(FailureHeaders.REQUEST_ID, utf8(it.getRequestId()));
        if (!it.getCorrelation().isEmpty()) {
            eh.add(FailureHeaders.CORRELATION, utf8(it.getCorrelation()));
        }
        String topic = answerTopic(it);
        return send(topic, utf8(it.getRequestId()), answer.encode(protobuf), eh).exceptionally(e -> {
            LOG.warnf("error result of request '%s' not written to '%s': %s", it.getRequestId(), topic,
                    rootMessage(e));
            return null;
        });
    }

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
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
        // an item of a record carrying several clusters names its own (twin_routed.proto)
        String cluster = it.getClusterKey().isEmpty() ? b.getClusterKey() : it.getClusterKey();
        return new ItemResult(it.getRequestId(), c.tasks()[item], it.getEncoding(), it.getReplyTo(), cluster, logits,
                predicted, weights);
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

    /** A routed batch holding item alone (its rows and, for exact, its row weights), to inspect or replay. */
    private static byte[] alone(Checked c, int item) {
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
        return one.build().toByteArray();
    }

    /** A whole record to the DLQ: its key, value and headers, plus the stage and the reason. */
    CompletableFuture<Void> dlq(byte[] key, byte[] value, Headers original, String reason) {
        RecordHeaders h = new RecordHeaders();
        for (Header x : original) {
            if (!FailureHeaders.isOwn(x.key())) {
                h.add(x);
            }
        }
        return dlqWith(key, value, h, reason);
    }

    private CompletableFuture<Void> dlqWith(byte[] key, byte[] value, RecordHeaders h, String reason) {
        String why = reason == null ? "unknown" : reason;
        LOG.warnf("to %s (key %s): %s", config.topics().dlq(), key == null ? null
                : new String(key, StandardCharsets.UTF_8), why);
        h.add(FailureHeaders.STAGE, utf8(STAGE));
        h.add(FailureHeaders.ERROR, utf8(why));
        return send(config.topics().dlq(), key, value == null ? new byte[0] : value, h);
    }

    // a broker outage is not the record's fault: re-sent until Kafka takes it (see Redelivery)
    private CompletableFuture<Void> send(String topic, byte[] key, byte[] value, RecordHeaders headers) {
        return redelivery.untilTaken("write to '" + topic + "' (key " + (key == null ? null
                : new String(key, java.nio.charset.StandardCharsets.UTF_8)) + ")", () -> sendOnce(topic, key, value,
                headers));
    }

    private CompletableFuture<Void> sendOnce(String topic, byte[] key, byte[] value, RecordHeaders headers) {
        try {
            OutgoingKafkaRecordMetadata<byte[]> m = OutgoingKafkaRecordMetadata.<byte[]>builder().withTopic(topic)
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
