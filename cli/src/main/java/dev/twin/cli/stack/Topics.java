package dev.twin.cli.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

/** The topics of the stack (DESIGN.md defaults) and their idempotent creation. */
public final class Topics {
    public static final String REQUESTS = "twin.requests";
    public static final String ROUTED = "twin.routed";
    public static final String RESULTS = "twin.results";
    public static final String DLQ = "twin.dlq";
    /** The four default topics in data-flow order. */
    public static final List<String> DEFAULTS = List.of(REQUESTS, ROUTED, RESULTS, DLQ);
    /** Executor heartbeats (key = address, value = bundle version, null = left): compacted, one partition. */
    public static final String EXECUTORS = "twin.executors";

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Topics() {
    }

    /**
     * Creates each topic missing on the broker at {@code bootstrap} with {@code partitions} partitions and one replica;
     * topics that already exist are left as they are. Returns the names this call created.
     */
    public static Set<String> create(String bootstrap, List<String> names, int partitions) {
        return create(bootstrap, Map.of(), names, partitions);
    }

    /** {@link #create(String, List, int)} with extra admin client settings (TLS, SASL: see security.ClientSecurity). */
    public static Set<String> create(String bootstrap, Map<String, String> client, List<String> names, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("topic partitions must be >= 1, got " + partitions);
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no topic names given");
        }
        List<NewTopic> topics = new ArrayList<>();
        for (String name : new LinkedHashSet<>(names)) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("blank topic name in " + names);
            }
            topics.add(new NewTopic(name, partitions, (short) 1));
        }
        return create(bootstrap, client, topics);
    }

    /**
     * Creates the compacted topic {@code name} (one partition, the latest record per key kept; small segments so
     * compaction runs often) unless it exists. Returns whether this call created it.
     */
    public static boolean createCompacted(String bootstrap, String name) {
        return createCompacted(bootstrap, Map.of(), name);
    }

    /** {@link #createCompacted(String, String)} with extra admin client settings (TLS, SASL). */
    public static boolean createCompacted(String bootstrap, Map<String, String> client, String name) {
        NewTopic t = new NewTopic(name, 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                "segment.ms", "60000", "min.cleanable.dirty.ratio", "0.1", "delete.retention.ms", "60000"));
        return create(bootstrap, client, List.of(t)).contains(name);
    }

    private static Set<String> create(String bootstrap, Map<String, String> client, List<NewTopic> topics) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(props)) {
            Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
            Set<String> created = new LinkedHashSet<>();
            for (Map.Entry<String, KafkaFuture<Void>> e : results.entrySet()) {
                if (createdNow(e.getKey(), e.getValue(), bootstrap)) {
                    created.add(e.getKey());
                }
            }
            return created;
        }
    }

    private static boolean createdNow(String topic, KafkaFuture<Void> result, String bootstrap) {
        try {
            result.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw new IllegalStateException("cannot create topic '" + topic + "' on " + bootstrap + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topic '" + topic + "' on " + bootstrap + " did not finish within "
                    + TIMEOUT.toSeconds() + " s (is the broker running?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic '" + topic + "'", e);
        }
    }
}
