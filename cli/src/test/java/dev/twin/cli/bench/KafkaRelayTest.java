package dev.twin.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class KafkaRelayTest {

    @Test
    void producerSummaryIsTheLastRateLine() {
        String out = """
                52001 records sent, 10398.1 records/sec (31.20 MB/sec), 120.3 ms avg latency, 400.0 ms max latency.
                100000 records sent, 12345.678901 records/sec (37.04 MB/sec), 98.10 ms avg latency, 410.00 ms max \
                latency, 80 ms 50th, 300 ms 95th, 390 ms 99th, 405 ms 99.9th.
                """;
        assertEquals(12345.678901, KafkaRelay.producedPerSecond(out), 1e-9);
        assertThrows(IllegalStateException.class, () -> KafkaRelay.producedPerSecond("nothing here"));
    }

    @Test
    void consumerRateIsTheFetchColumnOfTheResultRow() {
        String out = """
                start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, \
                rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
                2026-11-30 06:20:01:000, 2026-11-30 06:20:06:000, 58.4, 11.68, 20000, 4000.0, 3000, 2000, 29.2, 10000.0
                """;
        assertEquals(10000.0, KafkaRelay.consumedPerSecond(out), 0);
        assertThrows(IllegalStateException.class, () -> KafkaRelay.consumedPerSecond("start.time, end.time\n"));
    }

    @Test
    void recordsHaveTheRequestsMeanSize() {
        assertEquals(3, KafkaRelay.meanBytes(java.util.List.of(new byte[2], new byte[3], new byte[5]))); // 10/3 → 3
        assertEquals(4, KafkaRelay.meanBytes(java.util.List.of(new byte[3], new byte[4]))); // 3.5 rounds up
        assertThrows(IllegalArgumentException.class, () -> KafkaRelay.meanBytes(java.util.List.of()));
    }

    @Test
    void aRelayIsAsFastAsItsSlowerSide() {
        assertEquals(4000.0, new KafkaRelay.Ceiling(3000, 20000, 9000, 4000).relayPerSecond(), 0);
        assertEquals(2500.0, new KafkaRelay.Ceiling(3000, 20000, 2500, 4000).relayPerSecond(), 0);
    }
}
