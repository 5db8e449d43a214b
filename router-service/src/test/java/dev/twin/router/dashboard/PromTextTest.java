package dev.twin.router.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PromTextTest {
    private static final String TEXT = """
            # HELP twin_router_requests_total requests
            # TYPE twin_router_requests_total counter
            twin_router_requests_total{channel="kafka",outcome="routed"} 12.0
            twin_router_requests_total{channel="rest",outcome="routed"} 3.0
            twin_x{path="a \\"quoted\\" \\\\ value",le="+Inf"} 7 1700000000000
            process_uptime_seconds 42.5
            odd_value NaN
            """;

    @Test
    void readsNamesLabelsValuesAndSkipsCommentsAndTimestamps() {
        List<PromText.Sample> s = PromText.parse(TEXT);
        assertEquals(5, s.size());
        assertEquals(new PromText.Sample("twin_router_requests_total", Map.of("channel", "kafka", "outcome", "routed"),
                12.0), s.get(0));
        assertEquals("a \"quoted\" \\ value", s.get(2).label("path"));
        assertEquals("+Inf", s.get(2).label("le"));
        assertEquals(7.0, s.get(2).value());
        assertEquals(new PromText.Sample("process_uptime_seconds", Map.of(), 42.5), s.get(3));
        assertTrue(Double.isNaN(s.get(4).value()));
    }

    @Test
    void aMalformedLineIsAnErrorNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PromText.parse("ok 1\nbroken{a=1} 2\n"));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("broken{a=1} 2"), e.getMessage());
    }

    @Test
    void quantilesInterpolateInsideTheBucketOfTheIncrements() {
        // before: 10 observations ≤ 0.01; now 10 more ≤ 0.01, 20 in (0.01, 0.02], 10 in (0.02, 0.05]
        TreeMap<Double, Double> before = new TreeMap<>(Map.of(0.01, 10.0, 0.02, 10.0, 0.05, 10.0,
                Double.POSITIVE_INFINITY, 10.0));
        TreeMap<Double, Double> now = new TreeMap<>(Map.of(0.01, 20.0, 0.02, 40.0, 0.05, 50.0,
                Double.POSITIVE_INFINITY, 50.0));
        // 40 new observations: p50 = rank 20 → 10 below 0.01, so 10 of the 20 in (0.01, 0.02]: 0.01 + 0.01 · 10/20
        assertEquals(0.015, Quantiles.of(0.5, before, now), 1e-12);
        // p99 = rank 39.6 → 30 below 0.02, 9.6 of the 10 in (0.02, 0.05]: 0.02 + 0.03 · 0.96
        assertEquals(0.0488, Quantiles.of(0.99, before, now), 1e-12);
        assertTrue(Double.isNaN(Quantiles.of(0.5, now, now)), "no observations in between");
        // everything beyond the last finite bound: reported as that bound
        TreeMap<Double, Double> inf = new TreeMap<>(Map.of(0.01, 20.0, 0.02, 40.0, 0.05, 50.0,
                Double.POSITIVE_INFINITY, 60.0));
        assertEquals(0.05, Quantiles.of(0.99, now, inf), 1e-12);
    }
}
