package dev.twin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.cli.chaos.ChaosReport;
import dev.twin.cli.chaos.ChaosRun;
import dev.twin.cli.chaos.Fault;
import dev.twin.cli.stack.Stack;
import dev.twin.cli.traffic.TrafficPlan;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.suite.TaskSuite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short chaos run of CI: mixed Kafka and gRPC traffic into the real stack (broker, router, merger, one executor
 * as processes) while the broker is killed (SIGKILL) for an outage longer than the services' Kafka
 * timeouts (shortened here so that a 20 s outage exceeds the producers' delivery, request and max-block timeouts),
 * then the router, the merger and the executor, each started again. Every Kafka request must be answered, gRPC
 * callers get an answer or UNAVAILABLE, health shows each outage and comes back by itself. {@code twin bench chaos}
 * runs the long version with the services' real timeouts.
 */
class ChaosTest {
    private static Path work;
    private static TaskSuite suite;
    private static Bundle bundle;

    @BeforeAll
    static void up() throws Exception {
        Path root = Files.createTempDirectory(Path.of("target"), "chaos-").toAbsolutePath();
        suite = SyntheticBundle.suite();
        bundle = SyntheticBundle.get();
        work = root.resolve("stack");
        Stack.Options options = Stack.Options.defaults();
        for (String[] kv : SHORT_KAFKA_TIMEOUTS) {
            options = options.withRouter(kv[0], kv[1]).withMerger(kv[0], kv[1]);
        }
        Stack.up(bundle.dir(), work, options, System.out);
    }

    /**
     * The producers of router and merger: a 20 s outage outlasts these. (Not default.api.timeout.ms: at 5 s, on a
     * loaded machine, the committed-offset lookup of a partition assignment after the broker's return timed out, and
     * SmallRye fails the channel for good on that; its default of 60 s stays.)
     */
    static final String[][] SHORT_KAFKA_TIMEOUTS = {
            {"kafka.delivery.timeout.ms", "12000"}, {"kafka.request.timeout.ms", "5000"},
            {"kafka.max.block.ms", "5000"}};

    @AfterAll
    static void down() {
        if (work != null) {
            Stack.down(work);
        }
    }

    @Test
    @Timeout(420)
    void killingAndRestartingEachPartLosesNoKafkaRequest() {
        List<Fault> faults = List.of(Fault.parse("broker:20"), Fault.parse("router"), Fault.parse("merger"),
                Fault.parse("executor"));
        ChaosRun.Settings settings = new ChaosRun.Settings(20, Duration.ofSeconds(5), Duration.ofSeconds(2),
                Duration.ofSeconds(120), Duration.ofSeconds(60), 20_000);
        ChaosReport report = ChaosRun.run(work, TrafficPlan.of(suite.tasks(), 40, 9, "pool"), faults, settings,
                System.out);
        System.out.println(report.markdown());
        assertEquals(List.of(), report.problems(), "guarantees under faults");
        assertEquals(0, report.totals().kafkaLost(), "Kafka requests lost");
        assertTrue(report.totals().kafkaAnswered() > 0 && report.totals().grpcOk() > 0, "traffic flowed");
        for (ChaosReport.FaultOutcome f : report.faults()) {
            assertTrue(f.kafkaInWindow() > 0, f.fault() + ": Kafka traffic during the fault");
            if (f.fault().startsWith("broker")) {
                // the broker is not a service with a health endpoint: the services must say that it is gone
                for (String service : List.of("router-service", "merger-service")) {
                    String said = f.healthDuringFault().getOrDefault(service, "");
                    assertTrue(said.contains("kafka-broker") && said.contains("Kafka broker unreachable"),
                            f.fault() + ": " + service + "'s readiness should name the outage, said: " + said);
                }
            } else {
                String killed = f.fault().split(" ")[0] + "-service";
                assertTrue(f.healthDuringFault().containsKey(killed), f.fault() + ": health of the killed service "
                        + f.healthDuringFault());
            }
        }
    }
}
