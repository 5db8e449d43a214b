package dev.twin.router.service;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
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

/** Plain Kafka clients for the tests: produce with headers, read a topic from the start until enough records match. */
final class Topics {
    private Topics() {
    }

    static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    static KafkaConsumer<byte[], byte[]> consumerFromStart(String topic) {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }

    /** Records of topic (from its start) that match, until count of them arrived or timeout; then a little more. */
    static List<ConsumerRecord<byte[], byte[]>> read(String topic, Predicate<ConsumerRecord<byte[], byte[]>> match,
                                                    int count, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumerFromStart(topic)) {
            long end = System.nanoTime() + timeout.toNanos();
            while (out.size() < count && System.nanoTime() < end) {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (match.test(r)) {
                        out.add(r);
                    }
                });
            }
            // a short extra poll so that duplicates would be seen
            c.poll(Duration.ofMillis(300)).forEach(r -> {
                if (match.test(r)) {
                    out.add(r);
                }
            });
        }
        return out;
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value, String... headers) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key == null ? null
                : key.getBytes(StandardCharsets.UTF_8), value);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return r;
    }
}
