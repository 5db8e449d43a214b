package dev.twin.merger.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.twin.merger.config.MergerConfig;
import dev.twin.merger.executor.BatchRejectedException;
import dev.twin.proto.routed.RoutedBatch;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Consumes twin.routed a poll at a time; records of the same cluster in one poll share one executor call. Each record is
 * processed, its results are written (to twin.results or the item's reply-to,
 * key = request id), and only once the broker has acknowledged every write is the record acked, so its offset is
 * committed after its results exist (at-least-once). A bad record goes to twin.dlq and is acked; nothing stops the
 * consumer. Unreachable executors or a not-yet-loaded bundle are retried with back-off before the DLQ.
 */
@ApplicationScoped
public class RoutedConsumer {
    private static final Logger LOG = Logger.getLogger(RoutedConsumer.class);
    public static final String STAGE = "merger";
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);

    private final BatchProcessor processor;
    private final MergerConfig config;
    private final MutinyEmitter<byte[]> out;
    private final ExecutorService workers;

    public RoutedConsumer(BatchProcessor processor, MergerConfig config,
                          @Channel("out") MutinyEmitter<byte[]> out) {
        this.processor = processor;
        this.config = config;
        this.out = out;
        if (config.parallelClusters() < 1) {
            throw new IllegalArgumentException("twin.merger.parallel-clusters must be at least 1, got "
                    + config.parallelClusters());
        }
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(config.parallelClusters(), r -> {
            Thread t = new Thread(r, "twin-cluster-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Incoming("routed")
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> polled) {
        List<Uni<Void>> sends = new ArrayList<>();
        // one executor call per cluster of the poll: records of the same cluster (same key, same weights) coalesce
        Map<List<Object>, List<Parsed>> byCluster = new LinkedHashMap<>();
        for (KafkaRecord<String, byte[]> rec : polled.getRecords()) {
            Headers headers = rec.getHeaders() != null ? rec.getHeaders() : new RecordHeaders();
            try {
                RoutedBatch batch = parse(rec.getPayload());
                byCluster.computeIfAbsent(List.of(batch.getClusterKey(), batch.getMergeWeightsMap()),
                        k -> new ArrayList<>()).add(new Parsed(rec, headers, batch));
            } catch (BadRecordException e) {
                sends.add(dlq(rec.getKey(), rec.getPayload(), headers, e.getMessage()));
            }
        }
        List<CompletableFuture<List<Uni<Void>>>> clusters = new ArrayList<>();
        for (List<Parsed> cluster : byCluster.values()) {
            clusters.add(CompletableFuture.supplyAsync(() -> cluster(cluster), workers));
        }
        for (CompletableFuture<List<Uni<Void>>> c : clusters) {
            sends.addAll(c.join());
        }
        if (!sends.isEmpty()) {
            Uni.join().all(sends).andFailFast().await().atMost(SEND_TIMEOUT);
        }
        return polled.ack();
    }

    /** The records of one cluster: joined into one executor call, or one by one when that fails. */
    private List<Uni<Void>> cluster(List<Parsed> cluster) {
        if (cluster.size() == 1) {
            return handle(cluster.get(0));
        }
        RoutedBatch.Builder joined = cluster.get(0).batch().toBuilder();
        for (int i = 1; i < cluster.size(); i++) {
            joined.addAllItems(cluster.get(i).batch().getItemsList());
        }
        try {
            return results(joined.build(), processWithRetry(joined.build()));
        } catch (RuntimeException e) {
            // some record of the cluster is bad (or the executor rejects it): redo them one by one so that only
            // the guilty record goes to the DLQ, with its own bytes
            List<Uni<Void>> sends = new ArrayList<>();
            for (Parsed p : cluster) {
                sends.addAll(handle(p));
            }
            return sends;
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        workers.shutdown();
    }

    /** One record's cluster: its results, or the record in the DLQ with the reason. */
    private List<Uni<Void>> handle(Parsed p) {
        try {
            return results(p.batch(), processWithRetry(p.batch()));
        } catch (BadRecordException | BatchRejectedException e) {
            return List.of(dlq(p.record().getKey(), p.record().getPayload(), p.headers(), e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("routed record failed", e);
            return List.of(dlq(p.record().getKey(), p.record().getPayload(), p.headers(),
                    "merger failure: " + e.getMessage()));
        }
    }

    private List<Uni<Void>> results(RoutedBatch batch, List<ItemResult> results) {
        List<Uni<Void>> sends = new ArrayList<>(results.size());
        for (ItemResult r : results) {
            String topic = r.replyTo().isEmpty() ? config.topics().results() : r.replyTo();
            RecordHeaders h = new RecordHeaders();
            h.add("content-type", ResultEncoder.contentType(r.encoding()).getBytes(StandardCharsets.UTF_8));
            byte[] body = ResultEncoder.encode(config.modelName(), r, batch.getClusterKey(),
                    batch.getMergeWeightsMap());
            sends.add(send(topic, r.requestId(), body, h));
        }
        return sends;
    }

    private record Parsed(KafkaRecord<String, byte[]> record, Headers headers, RoutedBatch batch) {
    }

    private static RoutedBatch parse(byte[] value) {
        if (value == null || value.length == 0) {
            throw new BadRecordException("empty record value (expected a twin.routed.RoutedBatch protobuf)");
        }
        try {
            return RoutedBatch.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new BadRecordException("value is not a twin.routed.RoutedBatch protobuf: " + e.getMessage());
        }
    }

    /** Retries while the bundle is not loaded or no executor answers (neither is the record's fault). */
    private List<ItemResult> processWithRetry(RoutedBatch batch) {
        long delay = 200;
        long deadline = System.nanoTime() + Duration.ofSeconds(config.unavailableRetrySeconds()).toNanos();
        while (true) {
            try {
                return processor.process(batch);
            } catch (IllegalStateException | dev.twin.merger.executor.ExecutorUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.warnf("cluster '%s' not processed yet (%s): retrying in %d ms", batch.getClusterKey(),
                        e.getMessage(), delay);
                sleep(delay);
                delay = Math.min(delay * 2, 5000);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry", e);
        }
    }

    private Uni<Void> dlq(Object key, byte[] value, Headers original, String reason) {
        LOG.warnf("routed record (key %s) to %s: %s", key, config.topics().dlq(), reason);
        RecordHeaders h = new RecordHeaders();
        for (Header x : original) {
            h.add(x);
        }
        h.add("twin-error-stage", STAGE.getBytes(StandardCharsets.UTF_8));
        h.add("twin-error", (reason == null ? "unknown" : reason).getBytes(StandardCharsets.UTF_8));
        return send(config.topics().dlq(), key, value == null ? new byte[0] : value, h);
    }

    private Uni<Void> send(String topic, Object key, byte[] value, RecordHeaders headers) {
        OutgoingKafkaRecordMetadata<Object> m = OutgoingKafkaRecordMetadata.builder().withTopic(topic).withKey(key)
                .withHeaders(headers).build();
        return out.sendMessage(Message.of(value, Metadata.of(m)));
    }
}
