package dev.twin.router.route;

import dev.twin.proto.routed.RoutedBatch;
import dev.twin.proto.trace.TraceParent;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes cluster batches to twin.routed. Record key = cluster key (partition affinity: the merger that caches a
 * merged set gets its traffic), except for batches whose key names no merged set ("exact", "static"): those are
 * keyed "key#sequence" so that they spread over the partitions (and merger instances) instead of one hot key.
 */
@ApplicationScoped
public class RoutedPublisher {
    private final Emitter<byte[]> routed;
    private final AtomicLong sequence = new AtomicLong();

    public RoutedPublisher(@Channel("routed") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
                           Emitter<byte[]> routed) {
        this.routed = routed;
    }

    /** Completes once the broker acknowledged every batch. */
    public CompletableFuture<Void> publish(List<RoutedBatch> batches, boolean spreadKeys) {
        CompletableFuture<?>[] all = new CompletableFuture<?>[batches.size()];
        Context trace = Context.current(); // the batch span: the records' traceparent header (none when tracing is off)
        for (int i = 0; i < all.length; i++) {
            RoutedBatch b = batches.get(i);
            CompletableFuture<Void> acked = new CompletableFuture<>();
            RecordHeaders headers = new RecordHeaders();
            TraceParent.inject(trace, (k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
            String key = spreadKeys ? b.getClusterKey() + "#" + sequence.getAndIncrement() : b.getClusterKey();
            Message<byte[]> m = Message.of(b.toByteArray())
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).withHeaders(headers).build())
                    .withAck(() -> {
                        acked.complete(null);
                        return CompletableFuture.completedFuture(null);
                    })
                    .withNack(err -> {
                        acked.completeExceptionally(err);
                        return CompletableFuture.completedFuture(null);
                    });
            routed.send(m);
            all[i] = acked;
        }
        return CompletableFuture.allOf(all);
    }
}
