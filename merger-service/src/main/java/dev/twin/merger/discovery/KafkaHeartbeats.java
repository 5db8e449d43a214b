package dev.twin.merger.discovery;

import dev.twin.merger.executor.ExecutorPool;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads the compacted executors topic from its beginning and keeps the pool's set equal to the live heartbeats. No
 * consumer group: every merger reads every partition (assign, not subscribe), so each sees every executor, and a
 * restarted merger rebuilds the set from the compacted log (the latest record per address) at once. A heartbeat's
 * time is its record timestamp: a dead executor's last heartbeat read at start is already stale.
 */
final class KafkaHeartbeats implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KafkaHeartbeats.class);

    private final String topic;
    private final Membership membership;
    private final ExecutorPool pool;
    private final Duration interval;
    private final LongSupplier clock;
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    KafkaHeartbeats(Map<String, Object> kafka, String topic, Membership membership, ExecutorPool pool,
                    Duration interval, LongSupplier clock, Consumer<Membership> onChange) {
        this.topic = topic;
        this.membership = membership;
        this.pool = pool;
        this.interval = interval;
        this.clock = clock;
        Map<String, Object> props = new HashMap<>(kafka);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "twin-merger-discovery");
        this.consumer = new KafkaConsumer<>(props);
        this.thread = new Thread(() -> run(onChange), "twin-discovery-kafka");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run(Consumer<Membership> onChange) {
        try {
            while (running) {
                try {
                    if (consumer.assignment().isEmpty() && !assignAll()) {
                        continue;
                    }
                    for (ConsumerRecord<String, String> r : consumer.poll(interval)) {
                        if (r.key() == null) {
                            continue; // not a heartbeat
                        }
                        if (r.value() == null) {
                            membership.left(r.key());
                        } else {
                            membership.heartbeat(r.key(), r.value(), r.timestamp());
                        }
                    }
                    if (pool.update(membership.live(clock.getAsLong()))) {
                        onChange.accept(membership);
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    // a slow or unreachable broker: keep the set and try again (expiry resumes with the next poll)
                    LOG.warnf("reading executor heartbeats on %s failed (%s): retrying", topic, e.getMessage());
                    pause();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("reading executor heartbeats on " + topic + " failed: the executor set no longer changes", e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    /** Every partition of the topic from its beginning; false (after a pause) while the topic does not exist. */
    private boolean assignAll() {
        List<PartitionInfo> parts = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        if (parts == null || parts.isEmpty()) {
            LOG.warnf("topic %s of executor heartbeats does not exist yet: waiting for it", topic);
            pause();
            return false;
        }
        List<TopicPartition> tps = parts.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        LOG.infof("discovering executors from %s (%d partitions)", topic, tps.size());
        return true;
    }

    private void pause() {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
