package dev.twin.cli.traffic;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A plain Kafka client of the stack: produces requests to the requests topic and listens to the results and
 * dead-letter topics from their current end (so only answers to this run are seen), on one background thread.
 */
public final class KafkaClient implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String requests;
    private final String results;
    private final String dlq;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread listener;
    private long pollFailures; // listener thread only

    /** Topic names of the stack (DESIGN.md defaults in {@link #DEFAULT_TOPICS}). */
    public record Topics(String requests, String results, String dlq) {
    }

    public static final Topics DEFAULT_TOPICS = new Topics("twin.requests", "twin.results", "twin.dlq");

    public KafkaClient(String bootstrap, Topics topics) {
        this(bootstrap, topics, Map.of());
    }

    /** With extra client settings for both producer and consumer (TLS, SASL: see security.ClientSecurity#kafka). */
    public KafkaClient(String bootstrap, Topics topics, Map<String, String> security) {
        this(bootstrap, topics, security, Map.of());
    }

    /**
     * With producer settings over the defaults, e.g. a delivery timeout longer than a broker outage so that a request
     * waits in the client until the broker is back (the chaos run) instead of failing in the client.
     */
    public KafkaClient(String bootstrap, Topics topics, Map<String, String> security,
                       Map<String, Object> producerOverrides) {
        this.requests = topics.requests();
        this.results = topics.results();
        this.dlq = topics.dlq();
        Properties p = new Properties();
        p.putAll(security);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putAll(producerOverrides);
        producer = new KafkaProducer<>(p);
        Properties c = new Properties();
        c.putAll(security);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(c);
    }

    /**
     * Positions on the current end of the results and DLQ topics (before any request of this run is sent), then
     * hands every result to {@code onResult} and every dead letter to {@code onDlq} on a background thread. Results
     * that cannot be read go to {@code onDlq} too, with stage "client".
     */
    public void listen(Consumer<Answer> onResult, Consumer<DlqRecord> onDlq) {
        List<TopicPartition> parts = new ArrayList<>();
        for (String topic : List.of(results, dlq)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(pi -> parts.add(new TopicPartition(topic, pi.partition())));
        }
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position); // resolve the end offsets now, not at the first poll
        listener = new Thread(() -> {
            while (running.get()) {
                org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]> polled;
                try {
                    polled = consumer.poll(Duration.ofMillis(100));
                } catch (org.apache.kafka.common.KafkaException e) {
                    // a broker fault must not end the listener: the next poll reconnects
                    pollFailed(e);
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : polled) {
                    long now = System.nanoTime();
                    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    if (r.topic().equals(dlq)) {
                        onDlq.accept(new DlqRecord(key, header(r, "twin-error-stage"), header(r, "twin-error")));
                        continue;
                    }
                    if (r.headers().lastHeader("twin-error") != null) {
                        continue; // an error result: the same failure's DLQ record is what onDlq reports
                    }
                    try {
                        String type = header(r, "content-type");
                        onResult.accept(type.startsWith(OipMessages.PROTOBUF)
                                ? OipMessages.fromProto(dev.twin.proto.inference.ModelInferResponse.parseFrom(r.value()),
                                now)
                                : OipMessages.fromJson(r.value(), now));
                    } catch (Exception e) {
                        onDlq.accept(new DlqRecord(key, "client", "unreadable result: " + e.getMessage()));
                    }
                }
            }
        }, "twin-results-listener");
        listener.setDaemon(true);
        listener.start();
    }

    /** Produces one request record (key = id) with its content type and optional extra headers. */
    public void send(String key, byte[] value, String contentType, Map<String, String> headers) {
        send(key, value, contentType, headers, null);
    }

    /** As above; {@code onDone} (may be null) learns whether the broker took the record (null) or why not. */
    public void send(String key, byte[] value, String contentType, Map<String, String> headers,
                     java.util.function.Consumer<Exception> onDone) {
        ProducerRecord<byte[], byte[]> rec = new ProducerRecord<>(requests, null,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
        if (contentType != null) {
            rec.headers().add("content-type", contentType.getBytes(StandardCharsets.UTF_8));
        }
        headers.forEach((k, v) -> rec.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        if (onDone == null) {
            producer.send(rec);
        } else {
            producer.send(rec, (meta, err) -> onDone.accept(err));
        }
    }

    public void flush() {
        producer.flush();
    }

    /** A failed poll of the listener: said once, then polled again after a pause (the client reconnects). */
    private void pollFailed(org.apache.kafka.common.KafkaException e) {
        if (pollFailures++ == 0) {
            System.err.println("results listener: poll failed (" + e + "); it keeps polling");
        }
        try {
            Thread.sleep(200);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        running.set(false);
        if (listener != null) {
            try {
                listener.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }
}
