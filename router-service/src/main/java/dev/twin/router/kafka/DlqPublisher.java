package dev.twin.router.kafka;

import dev.twin.proto.failure.ErrorResult;
import dev.twin.proto.failure.FailureHeaders;
import dev.twin.service.kafka.Redelivery;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * A Kafka request the router cannot route: to twin.dlq with its original key, value and headers plus the stage, the
 * reason and the request id; and an OIP error result to the caller's results topic (its reply-to when allowed, else
 * the results topic), so that the client learns of it where it waits for its answer.
 */
@ApplicationScoped
public class DlqPublisher {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(DlqPublisher.class);

    public static final String STAGE_HEADER = FailureHeaders.STAGE;
    public static final String ERROR_HEADER = FailureHeaders.ERROR;
    public static final String STAGE = "router";

    private final Emitter<byte[]> dlq;
    private final Emitter<byte[]> errors;

    public DlqPublisher(@Channel("dlq") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
                        Emitter<byte[]> dlq,
                        @Channel("errors") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
                        Emitter<byte[]> errors) {
        this.dlq = dlq;
        this.errors = errors;
    }

    /**
     * The failed request's dead letter and its error result; completes once the broker has both.
     *
     * @param requestId the request's id, or its record key when the id could not be read
     * @param resultTopic where the caller reads its answers
     * @param code the gRPC status code name that describes the failure
     */
    public CompletableFuture<Void> reject(byte[] key, byte[] value, Headers original, String requestId,
                                          String correlation, String resultTopic, boolean protobuf, String code,
                                          String reason) {
        CompletableFuture<Void> dead = send(dlq, null, key, value, headers(original, requestId, correlation, reason,
                null));
        ErrorResult answer = new ErrorResult(null, requestId, STAGE, code, reason);
        RecordHeaders h = headers(null, requestId, correlation, reason, code);
        h.add("content-type", answer.contentType(protobuf).getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Void> told = send(errors, resultTopic, requestId.getBytes(StandardCharsets.UTF_8),
                answer.encode(protobuf), h).exceptionallyCompose(err -> {
                    // the dead letter is the record of the failure; an error result that Kafka refuses for good (a
                    // topic it rejects) must not fail the consumer: said here, and the record still counts as handled
                    if (Redelivery.isTransient(err)) {
                        return CompletableFuture.failedFuture(err);
                    }
                    LOG.warnf("error result for request '%s' not written to '%s': %s", requestId, resultTopic,
                            Redelivery.root(err));
                    return CompletableFuture.completedFuture(null);
                });
        return CompletableFuture.allOf(dead, told);
    }

    private static RecordHeaders headers(Headers original, String requestId, String correlation, String reason,
                                         String code) {
        RecordHeaders headers = new RecordHeaders();
        if (original != null) {
            for (Header h : original) {
                if (!FailureHeaders.isOwn(h.key())) {
                    headers.add(h.key(), h.value());
                }
            }
        }
        headers.add(FailureHeaders.STAGE, STAGE.getBytes(StandardCharsets.UTF_8));
        headers.add(FailureHeaders.ERROR, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(FailureHeaders.REQUEST_ID, requestId.getBytes(StandardCharsets.UTF_8));
        if (correlation != null) {
            headers.add(FailureHeaders.CORRELATION, correlation.getBytes(StandardCharsets.UTF_8));
        }
        if (code != null) {
            headers.add(FailureHeaders.CODE, code.getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static CompletableFuture<Void> send(Emitter<byte[]> emitter, String topic, byte[] key, byte[] value,
                                                RecordHeaders headers) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<byte[]> meta =
                OutgoingKafkaRecordMetadata.<byte[]>builder().withKey(key).withHeaders(headers);
        if (topic != null) {
            meta.withTopic(topic);
        }
        Message<byte[]> m = Message.of(value == null ? new byte[0] : value)
                .addMetadata(meta.build())
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(err -> {
                    acked.completeExceptionally(err);
                    return CompletableFuture.completedFuture(null);
                });
        emitter.send(m);
        return acked;
    }
}
