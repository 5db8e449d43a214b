package dev.twin.deploy.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.deploy.Repo;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keys read from @ConfigMapping sources, against keys written out by hand. */
class ConfigMappingsTest {

    @Test
    void nestedGroupsNamesAndDefaults() {
        String src = """
                package x;
                import io.smallrye.config.*;
                /** settings {@code a.b} */
                @ConfigMapping(prefix = "a.b")
                public interface Settings {
                    // a comment with a method look-alike: String ghost();
                    java.nio.file.Path bundle();
                    @WithDefault("http://x/y") String url();
                    @WithName("renamed") @WithDefault("3") int original();
                    Optional<Inner> inner();
                    Map<String, String> labels();
                    default boolean derived() { return url().isEmpty(); }
                    enum Mode { A, B }
                    @WithDefault("A") Mode mode();
                    interface Inner {
                        /* block comment long maxWaitMs(); */
                        @WithDefault("10") long maxWaitMs();
                        java.util.OptionalDouble topK();
                    }
                }
                """;
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("a.b.bundle", null);
        expected.put("a.b.url", "http://x/y");
        expected.put("a.b.renamed", "3");
        expected.put("a.b.inner.max-wait-ms", "10");
        expected.put("a.b.inner.top-k", null);
        expected.put("a.b.labels.*", null);
        expected.put("a.b.mode", "A");
        assertEquals(expected, ConfigMappings.keys(src, "inline"));
        assertEquals("a.b", ConfigMappings.prefix(src, "inline"));
    }

    @Test
    void envNamesFollowMicroProfileConfig() {
        assertEquals("TWIN_ROUTER_GROUPING_TOP_K", ServiceConfig.envName("twin.router.grouping.top-k"));
        assertEquals("QUARKUS_LOG_CATEGORY__DEV_TWIN__LEVEL", ServiceConfig.envName("quarkus.log.category.\"dev.twin\".level"));
    }

    @Test
    void theRouterAsReadFromItsFiles() {
        ServiceConfig router = ServiceConfig.read(Repo.root(), "router-service");
        assertEquals(9200, router.httpPort());
        assertEquals("/q/health", router.healthRoot());
        assertEquals("/q/metrics", router.metricsPath());
        assertTrue(router.keys().contains("twin.router.batch.max-size"));
        assertTrue(router.keys().contains("kafka.bootstrap.servers"));
        assertEquals("twin.requests", router.value("mp.messaging.incoming.requests.topic", Map.of()));
        assertEquals("other", router.value("mp.messaging.incoming.requests.topic", Map.of("TWIN_ROUTER_TOPICS_REQUESTS", "other")));
        assertEquals(java.util.Set.of(), router.strayKeys());
    }
}
