package dev.twin.executor.discovery;

import dev.twin.core.bundle.BundleVersion;
import dev.twin.executor.config.ExecutorConfig;
import dev.twin.executor.model.ModelHolder;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Announces this executor on the compacted executors topic: once its bundle is loaded, a record (key = its gRPC
 * address, value = the bundle version) every interval; on shutdown a tombstone (null value), so mergers drop it at
 * once instead of waiting for the heartbeat to go stale. Kafka's log compaction keeps the latest record per address.
 */
@ApplicationScoped
public class HeartbeatPublisher {
    private static final Logger LOG = Logger.getLogger(HeartbeatPublisher.class);

    private final HeartbeatConfig config;
    private final ExecutorConfig executor;
    private final ModelHolder holder;
    private final Map<String, Object> kafka;
    private final int httpPort;
    private ScheduledExecutorService timer;
    private KafkaProducer<String, String> producer;
    private String address;
    private String version;

    public HeartbeatPublisher(HeartbeatConfig config, ExecutorConfig executor, ModelHolder holder,
                              @Identifier("default-kafka-broker") Map<String, Object> kafka,
                              @ConfigProperty(name = "quarkus.http.port") int httpPort) {
        this.config = config;
        this.executor = executor;
        this.holder = holder;
        this.kafka = kafka;
        this.httpPort = httpPort;
    }

    // after the bundle loader (default priority), so the first heartbeat follows readiness closely
    void onStart(@Observes @Priority(5000) StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        if (config.intervalMs() < 1) {
            throw new IllegalArgumentException("twin.executor.heartbeat.interval-ms must be >= 1, got "
                    + config.intervalMs());
        }
        address = config.address().orElseGet(() -> localHost() + ":" + httpPort);
        version = BundleVersion.of(executor.bundle());
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "twin-executor-heartbeat-" + address);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(props);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "twin-heartbeat");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::beat, 0, config.intervalMs(), TimeUnit.MILLISECONDS);
        LOG.infof("heartbeats on %s every %d ms as %s (bundle version %s)", config.topic(), config.intervalMs(),
                address, version);
    }

    private void beat() {
        if (!holder.ready()) {
            return; // not serving yet: mergers must not route to it
        }
        producer.send(new ProducerRecord<>(config.topic(), address, version), (md, e) -> {
            if (e != null) {
                LOG.warnf("heartbeat to %s failed: %s", config.topic(), e.getMessage());
            }
        });
    }

    // first of the shutdown observers: mergers stop sending new calls while in-flight ones finish
    void onStop(@Observes @Priority(1) ShutdownEvent event) {
        if (timer == null) {
            return;
        }
        timer.shutdownNow();
        try {
            producer.send(new ProducerRecord<>(config.topic(), address, null)).get(5, TimeUnit.SECONDS);
            LOG.infof("left: tombstone for %s on %s", address, config.topic());
        } catch (Exception e) {
            LOG.warnf("tombstone for %s not written (%s): mergers expire it when its heartbeat goes stale", address,
                    e.getMessage());
        } finally {
            producer.close(Duration.ofSeconds(5));
        }
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("cannot tell this host's address for heartbeats; set "
                    + "twin.executor.heartbeat.address", e);
        }
    }
}
