package dev.twin.router.kafka;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.twin.proto.routed.OriginalHeader;
import dev.twin.proto.routed.OriginalRequest;
import dev.twin.router.config.RouterConfig;
import dev.twin.router.metrics.Channel;
import dev.twin.router.metrics.RouterMetrics;
import dev.twin.router.overload.AsyncPermits;
import dev.twin.router.reply.RouterInstance;
import dev.twin.router.request.BadRequestException;
import dev.twin.router.request.InferenceRequest;
import dev.twin.router.request.RequestParser;
import dev.twin.router.route.RouterHolder;
import dev.twin.router.route.RoutingPipeline;
import dev.twin.router.tracing.RouterSpans;
import dev.twin.service.kafka.Redelivery;
import io.opentelemetry.api.trace.Span;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes twin.requests a poll at a time: a valid request joins the micro-batcher and is settled once routed; a bad
 * one goes to twin.dlq with its reason (settled once written) and its caller gets an error result. Nothing stops the
 * consumer and nothing is dropped. At most max-in-flight-records records are between poll and settlement: beyond
 * that the method waits, so the connector delivers nothing more and pauses its partitions when its buffer is full.
 *
 * <p>Polls, not messages: one SmallRye message per poll instead of one per request (the per-message context
 * wrappers were 37% of the router's CPU under load, README "Benchmark"). Commits follow the merger's rule: with
 * {@code batch=true} the throttled strategy knows only the last record of each partition of a poll, so that record is
 * acked once every record of its partition in the poll is settled.
 */
@ApplicationScoped
public class RequestConsumer {
    public static final String CONTENT_TYPE = "content-type";
    public static final String REPLY_TO = "reply-to";
    private static final Logger LOG = Logger.getLogger(RequestConsumer.class);

    private final RouterHolder holder;
    private final RoutingPipeline pipeline;
    private final DlqPublisher dlq;
    private final RouterInstance instance;
    private final String resultsTopic;
    private final AsyncPermits inFlight;
    private final long drainMs;
    private volatile boolean draining;
    // records of polls delivered to this consumer and not yet settled (routed, dead-lettered or abandoned)
    private final AtomicInteger unsettled = new AtomicInteger();
    private final RouterMetrics metrics;
    private final RouterSpans spans;
    private final Redelivery redelivery;

    public RequestConsumer(RouterHolder holder, RoutingPipeline pipeline, DlqPublisher dlq, RouterInstance instance,
                           RouterConfig config, RouterMetrics metrics, RouterSpans spans, Redelivery redelivery) {
        this.redelivery = redelivery;
        this.metrics = metrics;
        this.spans = spans;
        this.holder = holder;
        this.pipeline = pipeline;
        this.dlq = dlq;
        this.instance = instance;
        this.resultsTopic = config.topics().results();
        this.inFlight = new AsyncPermits(config.maxInFlightRecords());
        this.drainMs = config.drainSeconds() * 1000L;
    }

    /**
     * Graceful shutdown, first of the router's steps: no new poll is taken, and every record of the polls already
     * taken is routed (or dead-lettered) and its partition acked, so the connector's final commit covers exactly
     * them: a restart reads nothing twice. Bounded by twin.router.drain-seconds.
     */
    void onStop(@Observes @Priority(50) ShutdownEvent event) {
        draining = true;
        long deadline = System.nanoTime() + drainMs * 1_000_000L;
        while (unsettled.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (unsettled.get() > 0) {
            LOG.warnf("%d request records still in flight after %d ms: they stay uncommitted and are read again",
                    unsettled.get(), drainMs);
        } else {
            LOG.info("request records drained: every record taken is routed and acked");
        }
    }

    // on a worker thread (parsing is not for the event loop); returns once every record of the poll holds a permit
    // and is handed on, so records keep flowing into the batcher up to the bound
    @Incoming("requests")
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<byte[], byte[]> polled) {
        List<KafkaRecord<byte[], byte[]>> records = polled.getRecords();
        // counted before the check: a shutdown either sees these records (and waits for them) or is seen here. Without
        // that order a poll routed after the drain's last look was acked after the final commit, and answered twice
        // after the restart (CI, 2026-11-30, with per-record consumption).
        unsettled.addAndGet(records.size());
        if (draining) {
            // shutting down: the poll is neither acked nor dead-lettered, so uncommitted, and read again after a
            // restart; the stage never completes, so the connector delivers nothing more
            unsettled.addAndGet(-records.size());
            return new CompletableFuture<>();
        }
        Map<TopicPartition, List<CompletableFuture<Void>>> byPartition = new LinkedHashMap<>();
        for (KafkaRecord<byte[], byte[]> rec : records) {
            Settlement settled = new Settlement();
            byPartition.computeIfAbsent(new TopicPartition(rec.getTopic(), rec.getPartition()),
                    k -> new ArrayList<>()).add(settled.acked);
            inFlight.acquire().join(); // waits while max-in-flight-records records are between poll and settlement
            try {
                handle(rec, settled);
            } catch (RuntimeException e) {
                LOG.error("request record not handled: its poll stays uncommitted", e);
                settled.abandon();
            }
        }
        byPartition.forEach((tp, acked) -> {
            KafkaRecord<byte[], byte[]> last = polled.getLatestOffsetRecords().get(tp);
            CompletableFuture.allOf(acked.toArray(CompletableFuture[]::new)).whenComplete((v, err) -> {
                if (err == null) {
                    last.ack();
                } else {
                    LOG.error("the DLQ could not be written: the poll is not committed and the channel stops", err);
                    last.nack(err);
                }
            });
        });
        return CompletableFuture.completedFuture(null);
    }

    /** Records between poll and settlement. */
    public int inFlight() {
        return inFlight.inUse();
    }

    /**
     * One record's way out: settled (acked: routed or dead-lettered; or failed: the DLQ itself failed) or abandoned
     * (never completes, so its partition is not committed); either frees its permit and its place in the drain.
     */
    private final class Settlement {
        final CompletableFuture<Void> acked = new CompletableFuture<>();

        void ack() {
            acked.complete(null);
            release();
        }

        void fail(Throwable err) {
            acked.completeExceptionally(err);
            release();
        }

        void abandon() {
            release();
        }

        private void release() {
            unsettled.decrementAndGet();
            inFlight.release();
        }
    }

    private void handle(KafkaRecord<byte[], byte[]> message, Settlement settled) {
        IncomingKafkaRecordMetadata<?, ?> meta = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        Headers headers = meta == null ? null : meta.getHeaders();
        byte[] key = meta == null ? null : (byte[]) meta.getKey();
        byte[] value = message.getPayload();
        long start = metrics.start();
        String correlation = instance.nextCorrelation();
        Span span = meta == null ? Span.getInvalid()
                : spans.kafkaRequest(headers, meta.getTopic(), meta.getPartition(), meta.getOffset());
        InferenceRequest request;
        try {
            request = RouterSpans.traced(span, holder.require().parser().parse(value, header(headers, CONTENT_TYPE),
                    header(headers, REPLY_TO)));
        } catch (BadRequestException e) {
            metrics.rejected(Channel.KAFKA, e.problem());
            RouterSpans.fail(span, e.getMessage());
            span.end();
            reject(settled, key, value, headers, null, correlation, "INVALID_ARGUMENT", e.getMessage());
            return;
        } catch (RuntimeException e) {
            // not ready or an unexpected failure: the record is kept (DLQ) rather than lost
            metrics.failed(Channel.KAFKA, holder.ready() ? "internal" : "not_ready");
            RouterSpans.end(span, e);
            reject(settled, key, value, headers, null, correlation, "UNAVAILABLE",
                    "router could not read the request: " + e.getMessage());
            return;
        }
        InferenceRequest routed = request.deliver(correlation, request.replyTo(), original(key, value, headers));
        // a broker outage is not the request's fault: it is routed again until Kafka takes it (record unsettled)
        redelivery.untilTaken("request '" + request.id() + "'", () -> pipeline.submit(routed)).whenComplete((v, err) -> {
            RouterSpans.end(span, err);
            if (err == null) {
                metrics.routed(Channel.KAFKA, start);
                settled.ack();
            } else if (draining) {
                // the drain timed out and the batcher closed under it: not the request's fault; left uncommitted
                settled.abandon();
            } else {
                metrics.failed(Channel.KAFKA, "routing_failed");
                Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                LOG.warnf("request %s could not be routed: %s", request.id(), cause.getMessage());
                reject(settled, key, value, headers, request.id(), correlation, cause instanceof BadRequestException
                        ? "INVALID_ARGUMENT" : "UNAVAILABLE", "routing failed: " + cause.getMessage());
            }
        });
    }

    /** The record as it came, carried on twin.routed so that a later stage's dead letter holds it (no copy). */
    static OriginalRequest original(byte[] key, byte[] value, Headers headers) {
        OriginalRequest.Builder o = OriginalRequest.newBuilder();
        if (key != null) {
            o.setKey(UnsafeByteOperations.unsafeWrap(key));
        }
        if (value != null) {
            o.setValue(UnsafeByteOperations.unsafeWrap(value));
        }
        if (headers != null) {
            for (Header h : headers) {
                o.addHeaders(OriginalHeader.newBuilder().setKey(h.key())
                        .setValue(h.value() == null ? ByteString.EMPTY : ByteString.copyFrom(h.value())));
            }
        }
        return o.build();
    }

    private void reject(Settlement settled, byte[] key, byte[] value, Headers headers, String requestId,
                        String correlation, String code, String reason) {
        LOG.debugf("to DLQ: %s", reason);
        String id = requestId != null ? requestId : key == null ? "" : new String(key, StandardCharsets.UTF_8);
        boolean protobuf = RequestParser.PROTOBUF.equals(mediaType(header(headers, CONTENT_TYPE)));
        String answerTopic = answerTopic(header(headers, REPLY_TO));
        redelivery.untilTaken("dead letter", () -> dlq.reject(key, value, headers, id, correlation, answerTopic,
                        protobuf, code, reason))
                .whenComplete((v, err) -> {
                    if (err == null) {
                        settled.ack();
                    } else {
                        settled.fail(err);
                    }
                });
    }

    /** The reply-to header when it names an allowed topic, else the results topic. */
    private String answerTopic(String replyTo) {
        if (replyTo == null || replyTo.isBlank() || !holder.ready()
                || !holder.require().parser().spec().allowsReplyTo(replyTo)) {
            return resultsTopic;
        }
        return replyTo;
    }

    private static String mediaType(String contentType) {
        return contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    }

    static String header(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
