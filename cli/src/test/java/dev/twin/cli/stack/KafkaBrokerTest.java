package dev.twin.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real broker process from target/kafka-lib: start, topics, records through it, stop, restart, bad starts. */
class KafkaBrokerTest {

    @TempDir
    Path work;

    private final KafkaBroker broker = new KafkaBroker();
    private final KafkaBroker second = new KafkaBroker();

    @AfterEach
    void stopAll() {
        broker.stop();
        second.stop();
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void recordsSurviveStopAndRestartOnTheSameDataDirectory() throws Exception {
        int[] ports = Ports.free(2);
        long t0 = System.nanoTime();
        String bootstrap = broker.start(work, ports[0], ports[1]);
        System.out.printf("first start (format + start + describeCluster): %d ms%n", ms(t0));
        assertEquals("127.0.0.1:" + ports[0], bootstrap);
        long pid = broker.pid();
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "broker process alive");
        assertEquals(pid + "", Files.readString(work.resolve("broker.pid")).trim());

        assertEquals(Set.copyOf(Topics.DEFAULTS), Topics.create(bootstrap, Topics.DEFAULTS, 3));
        assertEquals(Set.of(), Topics.create(bootstrap, Topics.DEFAULTS, 3), "second creation creates nothing");
        assertEquals(Map.of("twin.requests", 3, "twin.routed", 3, "twin.results", 3, "twin.dlq", 3),
                partitions(bootstrap, Topics.DEFAULTS));

        Map<String, String> sent = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            sent.put("request-" + i, "value-" + (i * i));
        }
        produce(bootstrap, Topics.REQUESTS, sent);
        assertEquals(sent, consumeAll(bootstrap, Topics.REQUESTS, sent.size()));

        int[] other = Ports.free(2);
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> second.start(work, other[0], other[1]));
        assertTrue(twice.getMessage().contains("already runs") && twice.getMessage().contains("pid " + pid),
                twice.getMessage());

        long t1 = System.nanoTime();
        broker.stop();
        System.out.printf("stop (SIGTERM until exit): %d ms%n", ms(t1));
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "broker pid " + pid + " gone");
        assertFalse(Files.exists(work.resolve("broker.pid")), "pid file removed");
        assertEquals(1, gracefulStops(), "SIGTERM let the broker shut down cleanly (no kill)");

        long t2 = System.nanoTime();
        second.start(work, ports[0], ports[1]);
        System.out.printf("restart on existing data: %d ms%n", ms(t2));
        long pid2 = second.pid();
        assertEquals(Set.of(), Topics.create(bootstrap, Topics.DEFAULTS, 3), "topics kept across the restart");
        assertEquals(sent, consumeAll(bootstrap, Topics.REQUESTS, sent.size()));

        // with its pid file lost, the running broker is still found by its command line: a second broker on the same
        // data directory would corrupt the metadata log
        Files.delete(work.resolve("broker.pid"));
        IllegalStateException lost = assertThrows(IllegalStateException.class,
                () -> broker.start(work, other[0], other[1]));
        assertTrue(lost.getMessage().contains("already runs") && lost.getMessage().contains("pid " + pid2),
                lost.getMessage());

        // the way `twin down` stops it from another JVM: by the pid file
        long t3 = System.nanoTime();
        assertTrue(KafkaBroker.stopByPidFile(work));
        System.out.printf("stop by pid file: %d ms%n", ms(t3));
        assertFalse(ProcessHandle.of(pid2).map(ProcessHandle::isAlive).orElse(false), "broker pid " + pid2 + " gone");
        assertFalse(Files.exists(work.resolve("broker.pid")), "pid file removed");
        assertFalse(KafkaBroker.stopByPidFile(work), "nothing left to stop");
        assertEquals(2, gracefulStops(), "SIGTERM let the broker shut down cleanly (no kill)");
    }

    /** How often broker.log says the broker finished its shutdown (it is appended to across restarts). */
    private long gracefulStops() throws Exception {
        return Files.readAllLines(work.resolve("broker.log")).stream()
                .filter(l -> l.contains("[BrokerServer id=1] shut down completed")).count();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aTakenPortFailsWithAMessageNamingIt() throws Exception {
        int[] ports = Ports.free(2);
        try (ServerSocket taken = new ServerSocket(ports[0], 1, InetAddress.getLoopbackAddress())) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> broker.start(work, ports[0], ports[1]));
            assertTrue(e.getMessage().contains("Kafka broker port " + ports[0]) && e.getMessage().contains("in use"),
                    e.getMessage());
        }
        try (ServerSocket taken = new ServerSocket(ports[1], 1, InetAddress.getLoopbackAddress())) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> broker.start(work, ports[0], ports[1]));
            assertTrue(e.getMessage().contains("Kafka controller port " + ports[1]) && e.getMessage().contains("in use"),
                    e.getMessage());
        }
        assertFalse(Files.exists(work.resolve("broker.pid")), "no pid recorded for a start that failed");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aPortTakenAfterTheCheckMakesTheBrokerExitWithItsOwnReason() throws Exception {
        int[] ports = Ports.free(2);
        ExecutorService starter = Executors.newSingleThreadExecutor();
        try {
            Future<String> start = starter.submit(() -> broker.start(work, ports[0], ports[1]));
            // format.log appears once the port checks passed; the broker JVM binds its port seconds later
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Files.exists(work.resolve("format.log")) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            try (ServerSocket taken = new ServerSocket(ports[0], 1, InetAddress.getLoopbackAddress())) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> start.get(50, TimeUnit.SECONDS));
                String msg = e.getCause().getMessage();
                assertTrue(msg.contains("Kafka broker on 127.0.0.1:" + ports[0]) && msg.contains("exited with code")
                        && msg.contains("first error") && msg.contains("Address already in use"), msg);
            }
        } finally {
            starter.shutdownNow();
        }
        assertFalse(Files.exists(work.resolve("broker.pid")), "pid file removed after the failed start");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void dataOfAnotherClusterFailsTheFormatWithItsOutput() throws Exception {
        // meta.properties of a different cluster: the fixed id cannot take it over
        Path data = Files.createDirectories(work.resolve("data"));
        Files.writeString(data.resolve("meta.properties"),
                "version=1\ncluster.id=b3RoZXItY2x1c3Rlci1pZA\nnode.id=1\ndirectory.id=" + "AAAAAAAAAAAAAAAAAAAAAQ" + "\n");
        int[] ports = Ports.free(2);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> broker.start(work, ports[0], ports[1]));
        assertTrue(e.getMessage().contains("formatting Kafka storage") && e.getMessage().contains("Invalid cluster.id"),
                e.getMessage());
        assertFalse(Files.exists(work.resolve("broker.pid")), "no broker was started");
    }

    @Test
    void badArgumentsAreRejectedBeforeAnyProcessStarts() {
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class, () -> broker.start(work, 9092, 9092));
        assertTrue(same.getMessage().contains("must differ"), same.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class, () -> broker.start(work, 0, 9093));
        assertTrue(range.getMessage().contains("port 0"), range.getMessage());
        IllegalArgumentException parts = assertThrows(IllegalArgumentException.class,
                () -> Topics.create("127.0.0.1:1", List.of("t"), 0));
        assertTrue(parts.getMessage().contains("partitions"), parts.getMessage());
        IllegalStateException stopped = assertThrows(IllegalStateException.class, broker::bootstrap);
        assertTrue(stopped.getMessage().contains("not started"), stopped.getMessage());
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static Map<String, Integer> partitions(String bootstrap, List<String> topics) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            Map<String, TopicDescription> d = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
            Map<String, Integer> out = new LinkedHashMap<>();
            d.forEach((name, desc) -> out.put(name, desc.partitions().size()));
            return out;
        }
    }

    private static void produce(String bootstrap, String topic, Map<String, String> records) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (Map.Entry<String, String> e : records.entrySet()) {
                producer.send(new ProducerRecord<>(topic, e.getKey(), e.getValue()));
            }
            producer.flush();
        }
    }

    /** Reads {@code topic} from the start with a fresh group until {@code expected} records or 30 s. */
    private static Map<String, String> consumeAll(String bootstrap, String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, String> got = new LinkedHashMap<>();
        Set<String> duplicates = new HashSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (got.size() + duplicates.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (got.put(r.key(), r.value()) != null) {
                        duplicates.add(r.key());
                    }
                }
            }
        }
        assertEquals(Set.of(), duplicates, "each record read once");
        return got;
    }
}
