package dev.twin.router.kafka;

import dev.twin.router.sync.PendingResults;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Reads twin.results (key = request id) and completes the synchronous call waiting for that id, if any. */
@ApplicationScoped
public class ResultConsumer {
    private final PendingResults pending;

    public ResultConsumer(PendingResults pending) {
        this.pending = pending;
    }

    @Incoming("results")
    public CompletionStage<Void> consume(Message<byte[]> message) {
        IncomingKafkaRecordMetadata<?, ?> meta = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        Object key = meta == null ? null : meta.getKey();
        if (key instanceof byte[] k && message.getPayload() != null) {
            pending.complete(new String(k, StandardCharsets.UTF_8), message.getPayload());
        }
        message.ack();
        return CompletableFuture.completedFuture(null);
    }
}
