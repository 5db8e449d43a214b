package dev.twin.cli.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.cli.stack.BrokerConfig;
import dev.twin.cli.traffic.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChaosReportTest {
    private static final long S = 1_000_000_000L;
    private static final ChaosRun.Settings SETTINGS = new ChaosRun.Settings(20, Duration.ofSeconds(5),
            Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(30), 20_000);

    private static ChaosTraffic.Request kafka(String id, long sentS, long answeredS, int copies) {
        ChaosTraffic.Request r = new ChaosTraffic.Request(id, Channel.KAFKA, sentS * S);
        r.answeredNanos = answeredS < 0 ? -1 : answeredS * S;
        r.resultCopies.set(copies);
        return r;
    }

    private static ChaosTraffic.Request grpc(String id, long sentS, String code) {
        ChaosTraffic.Request r = new ChaosTraffic.Request(id, Channel.GRPC, sentS * S);
        r.grpcCode = code;
        r.grpcDoneNanos = (sentS + 1) * S;
        return r;
    }

    @Test
    void countsLossDuplicatesAndErrorsAndSplitsThemByFaultWindow() {
        // fault 1 (broker) killed at 100 s, fault 2 (merger) at 200 s; windows start 10 s before each kill
        ChaosRun.FaultTimes broker = new ChaosRun.FaultTimes(Fault.parse("broker:20"), 11, 100 * S, 130 * S,
                140 * S, 141 * S, 139 * S);
        ChaosRun.FaultTimes merger = new ChaosRun.FaultTimes(Fault.parse("merger"), 12, 200 * S, 215 * S,
                220 * S, 222 * S, 216 * S);
        ChaosTraffic.Request dead = kafka("k-dlq", 150, -1, 0);
        dead.deadLetter = "merger: could not be written";
        List<ChaosTraffic.Request> sent = List.of(
                kafka("k-warm", 50, 51, 1),               // warm-up: outside both windows
                kafka("k-a", 95, 160, 2),                 // broker window (from 90 s), one duplicate
                kafka("k-b", 120, 170, 1),                // broker window, answered last at 170 s
                dead,                                     // broker window, dead-lettered
                kafka("k-lost", 195, -1, 0),              // merger window (from 190 s), never answered
                grpc("g-1", 96, "UNAVAILABLE"), grpc("g-2", 150, "OK"), grpc("g-3", 205, "DEADLINE_EXCEEDED"));
        List<HealthWatch.Sample> health = List.of(
                new HealthWatch.Sample(101 * S, "router-service", false, true,
                        List.of("kafka-broker: {\"status\":\"Kafka broker unreachable for 2 s\"}")),
                new HealthWatch.Sample(105 * S, "router-service", false, true,
                        List.of("kafka-broker: {\"status\":\"Kafka broker unreachable for 6 s\"}",
                                "SmallRye Reactive Messaging - readiness check: {}")),
                new HealthWatch.Sample(150 * S, "router-service", false, true, List.of("late: after recovery")));
        ChaosReport r = ChaosReport.of(SETTINGS, sent, health, List.of(broker, merger), 0, 300 * S, 330 * S);

        assertEquals(5, r.totals().kafkaSent());
        assertEquals(3, r.totals().kafkaAnswered());
        assertEquals(1, r.totals().kafkaLost());
        assertEquals(List.of("k-lost"), r.totals().lostIds());
        assertEquals(1, r.totals().kafkaDeadLettered());
        assertEquals(1, r.totals().duplicates());
        assertEquals(1, r.totals().grpcOk());
        assertEquals(Map.of("DEADLINE_EXCEEDED", 1, "UNAVAILABLE", 1), r.totals().grpcErrors());

        ChaosReport.FaultOutcome b = r.faults().get(0);
        assertEquals(30.0, b.readyS(), 1e-9);
        assertEquals(40.0, b.kafkaRecoveryS(), 1e-9);
        assertEquals(41.0, b.grpcRecoveryS(), 1e-9);
        assertEquals(41.0, b.recoveryS(), 1e-9);
        assertEquals(39.0, b.healthyS(), 1e-9);
        assertEquals(-1, b.allAnsweredS(), "the dead-lettered request of the window was never answered");
        assertEquals(3, b.kafkaInWindow());
        assertEquals(2, b.grpcInWindow());
        assertEquals(Map.of("UNAVAILABLE", 1), b.grpcErrors());
        assertEquals(1, b.duplicates());
        // each DOWN check once, with what it said first; nothing after the service was healthy again (139 s)
        assertEquals(Map.of("router-service", "kafka-broker: {\"status\":\"Kafka broker unreachable for 2 s\"}; "
                + "SmallRye Reactive Messaging - readiness check: {}"), b.healthDuringFault());

        ChaosReport.FaultOutcome m = r.faults().get(1);
        assertEquals(1, m.kafkaInWindow());
        assertEquals(Map.of("DEADLINE_EXCEEDED", 1), m.grpcErrors());

        List<String> problems = r.problems();
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("1 Kafka requests lost"), problems.get(0));
        assertTrue(problems.get(1).startsWith("1 good requests dead-lettered"), problems.get(1));
        assertTrue(problems.get(2).startsWith("1 gRPC calls failed with DEADLINE_EXCEEDED"), problems.get(2));
    }

    @Test
    void faultsParseWithTheirDownTimeAndBadOnesAreNamed() {
        assertEquals(new Fault(Fault.Kind.BROKER, 150), Fault.parse("broker:150"));
        assertEquals(new Fault(Fault.Kind.EXECUTOR, 0), Fault.parse(" Executor "));
        assertEquals("executor-service", Fault.parse("executor").kind().service());
        assertEquals("broker SIGKILL, 30 s down", Fault.parse("broker:30").label());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fault.parse("disk:3"));
        assertTrue(e.getMessage().contains("unknown fault 'disk'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Fault.parse("broker:soon"));
        assertTrue(e.getMessage().contains("'soon' is not a whole number"), e.getMessage());
    }

    @Test
    void aBrokerIsStartedAgainOnThePortsItWasWrittenWith(@TempDir Path dir) throws Exception {
        new BrokerConfig(dir, 41234, 41235).write();
        assertEquals(new BrokerConfig(dir, 41234, 41235), BrokerConfig.read(dir));
        Files.delete(dir.resolve("server.properties"));
        assertThrows(java.io.UncheckedIOException.class, () -> BrokerConfig.read(dir));
    }
}
