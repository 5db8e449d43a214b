package dev.twin.router.reply;

import dev.twin.proto.failure.FailureHeaders;
import dev.twin.router.config.RouterConfig;
import dev.twin.router.sync.CallFailedException;
import dev.twin.router.sync.PendingResults;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads this router's reply topic (and no other results): creates it at start, reads it from its end (with no
 * consumer group: nothing to rebalance or commit), and completes the synchronous call whose correlation a record
 * carries, or fails it at once with the reason when the record is an error result. Deletes the topic on a graceful
 * stop, after the HTTP and gRPC servers have finished their calls.
 */
@ApplicationScoped
public class ReplyListener {
    private static final Logger LOG = Logger.getLogger(ReplyListener.class);

    private final RouterInstance instance;
    private final PendingResults pending;
    private final RouterConfig config;
    private final Map<String, Object> kafka;
    private final CountDownLatch positioned = new CountDownLatch(1);
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running;
    private volatile String status = "reply topic not read yet";
    private Thread thread;

    public ReplyListener(RouterInstance instance, PendingResults pending, RouterConfig config,
                         @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.instance = instance;
        this.pending = pending;
        this.config = config;
        this.kafka = kafka;
    }

    void onStart(@Observes @Priority(50) StartupEvent event) {
        running = true;
        thread = new Thread(this::run, "twin-replies");
        thread.setDaemon(true);
        thread.start();
        try {
            // the first synchronous call must not be answered before the consumer has its position
            if (!positioned.await(10, TimeUnit.SECONDS)) {
                LOG.warnf("reply topic %s not positioned after 10 s: %s", instance.replyTopic(), status);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether answers can reach synchronous callers (the reply topic exists and is being read). */
    public boolean ready() {
        return positioned.getCount() == 0 && running;
    }

    public String status() {
        return status;
    }

    private Map<String, Object> clientConfig() {
        Map<String, Object> c = new HashMap<>(kafka);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "twin-replies-" + instance.id());
        return c;
    }

    private void run() {
        TopicPartition tp = new TopicPartition(instance.replyTopic(), 0);
        while (running && positioned.getCount() > 0) {
            try {
                createTopic();
                consumer = new KafkaConsumer<>(clientConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
                consumer.assign(List.of(tp));
                consumer.seekToEnd(List.of(tp));
                consumer.position(tp); // resolves the end now: later answers are all seen
                status = "reading " + instance.replyTopic();
                LOG.infof("synchronous answers arrive on %s", instance.replyTopic());
                positioned.countDown();
            } catch (RuntimeException | ExecutionException | TimeoutException e) {
                status = "reply topic " + instance.replyTopic() + " not available: " + e.getMessage();
                LOG.warn(status);
                closeConsumer();
                sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        while (running) {
            try {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    deliver(r);
                }
            } catch (WakeupException e) {
                break;
            } catch (RuntimeException e) {
                // the broker may be away: the consumer reconnects on the next poll; the position is kept
                LOG.warnf("reading %s: %s", instance.replyTopic(), e.getMessage());
                sleep(500);
            }
        }
        closeConsumer();
    }

    private void deliver(ConsumerRecord<byte[], byte[]> r) {
        String correlation = header(r, FailureHeaders.CORRELATION);
        if (correlation == null) {
            return;
        }
        String error = header(r, FailureHeaders.ERROR);
        if (error != null) {
            pending.fail(correlation, new CallFailedException(Optional.ofNullable(header(r, FailureHeaders.STAGE))
                    .orElse("unknown"), Optional.ofNullable(header(r, FailureHeaders.CODE)).orElse("INTERNAL"), error));
        } else if (r.value() != null) {
            pending.complete(correlation, r.value());
        }
    }

    private void createTopic() throws ExecutionException, InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(clientConfig())) {
            NewTopic topic = new NewTopic(instance.replyTopic(), Optional.of(1), config.replies().replicas().isPresent()
                    ? Optional.of((short) config.replies().replicas().getAsInt()) : Optional.empty())
                    .configs(Map.of("retention.ms", Long.toString(config.replies().retentionMs())));
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    // after the HTTP/gRPC servers drained their calls (Quarkus stops them before ShutdownEvent observers run)
    void onStop(@Observes @Priority(9_000) ShutdownEvent event) {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (config.replies().deleteOnStop()) {
            try (Admin admin = Admin.create(clientConfig())) {
                admin.deleteTopics(List.of(instance.replyTopic())).all().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warnf("reply topic %s not deleted: %s", instance.replyTopic(), e.getMessage());
            }
        }
    }

    private void closeConsumer() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        consumer = null;
        if (c != null) {
            try {
                c.close(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.debugf("closing the reply consumer: %s", e.getMessage());
            }
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
