package dev.twin.router.kafka;

import dev.twin.router.request.BadRequestException;
import dev.twin.router.request.InferenceRequest;
import dev.twin.router.route.RouterHolder;
import dev.twin.router.route.RoutingPipeline;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes twin.requests: a valid request joins the micro-batcher and its record is acknowledged once routed; a bad
 * one goes to twin.dlq with its reason. Nothing stops the consumer and nothing is dropped.
 */
@ApplicationScoped
public class RequestConsumer {
    public static final String CONTENT_TYPE = "content-type";
    public static final String REPLY_TO = "reply-to";
    private static final Logger LOG = Logger.getLogger(RequestConsumer.class);

    private final RouterHolder holder;
    private final RoutingPipeline pipeline;
    private final DlqPublisher dlq;
    private final Redelivery redelivery;

    public RequestConsumer(RouterHolder holder, RoutingPipeline pipeline, DlqPublisher dlq, Redelivery redelivery) {
        this.holder = holder;
        this.pipeline = pipeline;
        this.dlq = dlq;
        this.redelivery = redelivery;
    }

    // returns at once so that records keep flowing into the batcher; parsing runs on a worker thread (not the event
    // loop) and the ack follows when the batch is published
    @Incoming("requests")
    public CompletionStage<Void> consume(Message<byte[]> message) {
        Infrastructure.getDefaultWorkerPool().execute(() -> handle(message));
        return CompletableFuture.completedFuture(null);
    }

    private void handle(Message<byte[]> message) {
        IncomingKafkaRecordMetadata<?, ?> meta = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        Headers headers = meta == null ? null : meta.getHeaders();
        byte[] key = meta == null ? null : (byte[]) meta.getKey();
        byte[] value = message.getPayload();
        InferenceRequest request;
        try {
            request = holder.require().parser().parse(value, header(headers, CONTENT_TYPE), header(headers, REPLY_TO));
        } catch (BadRequestException e) {
            reject(message, key, value, headers, e.getMessage());
            return;
        } catch (RuntimeException e) {
            // not ready or an unexpected failure: the record is kept (DLQ) rather than lost
            reject(message, key, value, headers, "router could not read the request: " + e.getMessage());
            return;
        }
        // a broker outage is not the request's fault: it is routed again until Kafka takes it (record unacked)
        String what = "request '" + request.id() + "'";
        redelivery.untilTaken(what, () -> pipeline.submit(request)).whenComplete((v, err) -> {
            if (err == null) {
                message.ack();
            } else {
                LOG.warnf("request %s could not be routed: %s", request.id(), err.getMessage());
                reject(message, key, value, headers, "routing failed: " + err.getMessage());
            }
        });
    }

    private void reject(Message<byte[]> message, byte[] key, byte[] value, Headers headers, String reason) {
        LOG.debugf("to DLQ: %s", reason);
        redelivery.untilTaken("dead letter", () -> dlq.send(key, value, headers, reason)).whenComplete((v, err) -> {
            if (err == null) {
                message.ack();
            } else {
                message.nack(err);
            }
        });
    }

    static String header(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
