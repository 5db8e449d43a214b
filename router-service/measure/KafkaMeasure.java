import java.io.*;
import java.nio.*;
import java.nio.file.*;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.*;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.*;

/** Quick produce/consume measurement with real Fashion-MNIST rows as little-endian float32 payloads. */
public class KafkaMeasure {
    static final String BOOT = System.getProperty("bootstrap", "127.0.0.1:19192");
    static byte[][] rows;

    public static void main(String[] a) throws Exception {
        rows = images(256);
        String mode = a[0];
        if (mode.equals("produce")) {
            int rowsPerRecord = Integer.parseInt(a[1]);
            int n = Integer.parseInt(a[2]);
            for (String cfg : Arrays.copyOfRange(a, 3, a.length)) {
                produce(cfg, rowsPerRecord, n);
            }
        } else if (mode.equals("consume")) {
            int n = Integer.parseInt(a[1]);
            for (String cfg : Arrays.copyOfRange(a, 2, a.length)) {
                consume(cfg, n);
            }
        }
    }

    static byte[][] images(int n) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(
                new FileInputStream("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"))))) {
            in.readInt(); in.readInt(); in.readInt(); in.readInt();
            byte[][] out = new byte[n][];
            byte[] px = new byte[784];
            for (int i = 0; i < n; i++) {
                in.readFully(px);
                ByteBuffer b = ByteBuffer.allocate(784 * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int j = 0; j < 784; j++) b.putFloat((px[j] & 0xff) / 255f);
                out[i] = b.array();
            }
            return out;
        }
    }

    static byte[] payload(int k, int rowsPer) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(new byte[64], 0, 64); // item ids etc.
        for (int r = 0; r < rowsPer; r++) o.write(rows[(k * rowsPer + r) % rows.length], 0, 3136);
        o.write(new byte[rowsPer * 32], 0, rowsPer * 32); // row weights
        return o.toByteArray();
    }

    static Map<String, Object> props(String cfg) {
        Map<String, Object> m = new HashMap<>();
        for (String kv : cfg.split(",")) {
            if (kv.isEmpty()) continue;
            String[] p = kv.split("=");
            m.put(p[0], p[1]);
        }
        return m;
    }

    static void topic(String name) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", BOOT))) {
            try { admin.deleteTopics(List.of(name)).all().get(); Thread.sleep(500); } catch (Exception e) { }
            admin.createTopics(List.of(new NewTopic(name, 4, (short) 1))).all().get();
        }
    }

    /** throughput with 64 records in flight (a closed loop like the router's), latency send→ack */
    static void produce(String cfg, int rowsPer, int n) throws Exception {
        String t = "m-" + Math.abs(cfg.hashCode());
        topic(t);
        Map<String, Object> p = new HashMap<>(Map.of("bootstrap.servers", BOOT));
        p.putAll(props(cfg));
        long[] lat = new long[n];
        try (KafkaProducer<String, byte[]> pr = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 1500; i++) pr.send(new ProducerRecord<>(t, "w" + i, payload(i, rowsPer))); pr.flush();
            Semaphore inflight = new Semaphore(16);
            CountDownLatch done = new CountDownLatch(n);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                inflight.acquire();
                final int k = i;
                long s = System.nanoTime();
                pr.send(new ProducerRecord<>(t, "exact#" + i, payload(i, rowsPer)), (md, e) -> {
                    lat[k] = System.nanoTime() - s; inflight.release(); done.countDown();
                });
            }
            done.await();
            double sec = (System.nanoTime() - t0) / 1e9;
            Arrays.sort(lat);
            long bytes = (long) n * payload(0, rowsPer).length;
            double ratio = pr.metrics().entrySet().stream().filter(e -> e.getKey().name().equals("compression-rate-avg")
                    && e.getKey().group().equals("producer-metrics")).mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).findFirst().orElse(-1);
            double perReq = pr.metrics().entrySet().stream().filter(e -> e.getKey().name().equals("records-per-request-avg")
                    && e.getKey().group().equals("producer-metrics")).mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).findFirst().orElse(-1);
            System.out.printf("produce %-60s rec %6dB: %7.0f rec/s %6.1f MB/s  p50 %5.2f ms p99 %6.2f ms  compressed/raw %.2f  rec/request %.1f%n", cfg,
                    payload(0, rowsPer).length, n / sec, bytes / sec / 1e6, lat[n / 2] / 1e6, lat[n * 99 / 100] / 1e6, ratio, perReq);
        }
        // compressed size on disk
    }

    /** requests topic: produce n request-sized records (3.2 KB), then consume them all with the given settings */
    static void consume(String cfg, int n) throws Exception {
        String t = "c-" + Math.abs(cfg.hashCode());
        topic(t);
        try (KafkaProducer<String, byte[]> pr = new KafkaProducer<>(Map.of("bootstrap.servers", BOOT, "linger.ms", "5",
                "batch.size", "262144"), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) pr.send(new ProducerRecord<>(t, "r" + i, payload(i, 1)));
            pr.flush();
        }
        Map<String, Object> c = new HashMap<>(Map.of("bootstrap.servers", BOOT, "group.id", "g-" + t,
                "auto.offset.reset", "earliest", "enable.auto.commit", "false"));
        c.putAll(props(cfg));
        try (KafkaConsumer<String, byte[]> co = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            co.subscribe(List.of(t));
            int got = 0;
            long t0 = 0;
            int polls = 0;
            while (got < n) {
                var rs = co.poll(Duration.ofMillis(200));
                if (rs.count() > 0 && t0 == 0) t0 = System.nanoTime();
                got += rs.count();
                if (rs.count() > 0) polls++;
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            System.out.printf("consume %-60s: %7.0f rec/s over %d polls%n", cfg, n / sec, polls);
        }
    }
}
