package dev.twin.router.service;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** A real in-process KRaft broker (SmallRye's EmbeddedKafkaBroker) with the four topics created. */
public class KafkaBroker implements QuarkusTestResourceLifecycleManager {
    public static final List<String> TOPICS = List.of("twin.requests", "twin.routed", "twin.results", "twin.dlq");
    private static volatile String bootstrap;
    private EmbeddedKafkaBroker broker;

    public static String bootstrap() {
        return bootstrap;
    }

    @Override
    public Map<String, String> start() {
        broker = new EmbeddedKafkaBroker().withDeleteLogDirsOnClose(true).start();
        String listener = broker.getAdvertisedListeners().split(",")[0];
        bootstrap = listener.substring(listener.indexOf("://") + 3);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(TOPICS.stream().map(t -> new NewTopic(t, 2, (short) 1)).toList()).all()
                    .get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // on a loaded machine the admin client may retry a create whose first attempt succeeded
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw new IllegalStateException("cannot create topics on " + bootstrap + ": " + e.getMessage(), e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics on " + bootstrap + ": " + e.getMessage(), e);
        }
        return Map.of("kafka.bootstrap.servers", bootstrap);
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
