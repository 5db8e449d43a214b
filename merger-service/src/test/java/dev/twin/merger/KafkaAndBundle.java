package dev.twin.merger;

import dev.twin.core.bundle.SuiteBundler;
import dev.twin.core.bundle.TwinRecipe;
import dev.twin.core.suite.DataLocator;
import dev.twin.core.suite.Suites;
import dev.twin.core.suite.TaskSuite;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.commons.io.file.PathUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Before the service starts: an embedded KRaft broker with the four topics, and a bundle of the {@code synthetic}
 * suite built by core (models from core's trained-model cache).
 */
public class KafkaAndBundle implements QuarkusTestResourceLifecycleManager {
    public static final String SUITE = "synthetic";
    public static volatile String bootstrap;
    private EmbeddedKafkaBroker broker;
    private Path dir;

    public static TaskSuite suite() {
        return Suites.byName(SUITE, DataLocator.standard());
    }

    @Override
    public Map<String, String> start() {
        broker = new EmbeddedKafkaBroker().withDeleteLogDirsOnClose(true).start();
        bootstrap = broker.getAdvertisedListeners();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic("twin.routed", 1, (short) 1),
                    new NewTopic("twin.results", 1, (short) 1), new NewTopic("twin.dlq", 1, (short) 1),
                    new NewTopic("my.replies", 1, (short) 1))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create test topics on " + bootstrap, e);
        }
        try {
            dir = Files.createTempDirectory(Path.of("target"), "bundle-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TaskSuite suite = suite();
        SuiteBundler.build(suite, TwinRecipe.defaults(0.5), dir, System.out);
        return Map.of("kafka.bootstrap.servers", bootstrap, "twin.merger.bundle", dir.toString());
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
        if (dir != null) {
            try {
                PathUtils.deleteDirectory(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
