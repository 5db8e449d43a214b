package dev.twin.router.kafka;

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

/** Writes a rejected record to twin.dlq: original key, value and headers plus the error stage and reason. */
@ApplicationScoped
public class DlqPublisher {
    public static final String STAGE_HEADER = "twin-error-stage";
    public static final String ERROR_HEADER = "twin-error";
    public static final String STAGE = "router";

    private final Emitter<byte[]> dlq;

    public DlqPublisher(@Channel("dlq") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
                        Emitter<byte[]> dlq) {
        this.dlq = dlq;
    }

    /** Completes once the broker has the DLQ record. */
    public CompletableFuture<Void> send(byte[] key, byte[] value, Headers original, String reason) {
        RecordHeaders headers = new RecordHeaders();
        if (original != null) {
            for (Header h : original) {
                if (!STAGE_HEADER.equals(h.key()) && !ERROR_HEADER.equals(h.key())) {
                    headers.add(h.key(), h.value());
                }
            }
        }
        headers.add(STAGE_HEADER, STAGE.getBytes(StandardCharsets.UTF_8));
        headers.add(ERROR_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<byte[]> m = Message.of(value)
                .addMetadata(OutgoingKafkaRecordMetadata.<byte[]>builder().withKey(key).withHeaders(headers).build())
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(err -> {
                    acked.completeExceptionally(err);
                    return CompletableFuture.completedFuture(null);
                });
        dlq.send(m);
        return acked;
    }
}
