package dev.twin.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twin.cli.traffic.TrafficReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything one {@code twin bench e2e} run measured, as DESIGN.md's CLI contract JSON and as readable tables:
 * closed-loop summaries per strategy with throughput ratios to static, open-loop points with p99 ratios to static at
 * the same arrival rate, and the ceilings (Kafka relay, engine forward) with the fraction of each the stack reaches.
 *
 * @param closed   per strategy, its closed loop (with rounds: the round of median throughput)
 * @param rounds   per strategy, the closed-loop throughput of each round of an interleaved run, in round order
 *                 (empty for a run of one round)
 * @param engine   null when not measured; {@code relay} likewise
 * @param profiles JFR summaries per strategy (empty without --jfr)
 */
public record E2eReport(String suite, String machine, String date, Map<String, TrafficReport> closed,
                        Map<String, List<Double>> rounds, List<OpenLoopPoint> openLoop, KafkaRelay.Ceiling relay, EngineCeiling.Result engine,
                        Map<String, List<JfrProfile.Summary>> profiles) {
    public static final String STATIC = "static";
    public static final String EXACT = "exact";
    /** The engine ceiling's entry for the router's own scoring. */
    public static final String ROUTER = "router";

    public E2eReport {
        closed = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(closed));
        rounds = Map.copyOf(rounds);
        openLoop = List.copyOf(openLoop);
        profiles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
    }

    /**
     * Closed-loop throughput of {@code strategy} over static's; NaN without a static run. With rounds, the median of
     * the per-round ratios: each pairs two measurements a minute apart, so host drift over the run cancels.
     */
    public double throughputRatio(String strategy) {
        double[] perRound = roundRatios(strategy);
        if (perRound.length > 0) {
            return TrafficReport.percentile(perRound, 50);
        }
        TrafficReport s = closed.get(STATIC);
        TrafficReport r = closed.get(strategy);
        return s == null || r == null || s.throughput() == 0 ? Double.NaN : r.throughput() / s.throughput();
    }

    /** {@code strategy}'s throughput over static's in each round; empty without rounds. */
    public double[] roundRatios(String strategy) {
        List<Double> own = rounds.get(strategy);
        List<Double> base = rounds.get(STATIC);
        if (own == null || base == null || own.size() != base.size()) {
            return new double[0];
        }
        double[] out = new double[own.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = base.get(i) == 0 ? Double.NaN : own.get(i) / base.get(i);
        }
        return out;
    }

    /** p99 of an open-loop point over static's p99 at the same target rate (static basis only); NaN otherwise. */
    public double p99Ratio(OpenLoopPoint p) {
        if (!p.ran() || !p.target().basis().equals(OpenLoopTarget.STATIC)) {
            return Double.NaN;
        }
        return openLoop.stream().filter(q -> q.strategy().equals(STATIC) && q.ran()
                        && q.target().basis().equals(OpenLoopTarget.STATIC) && q.target().fraction() == p.target().fraction())
                .findFirst().map(q -> p.p99Ms() / q.p99Ms()).orElse(Double.NaN);
    }

    /**
     * The engine ceiling that bounds {@code strategy}: the factored forward for exact, the dense forward (θ* or a
     * materialized θ(w), the same cost) for the others; NaN when not measured.
     */
    public double engineCeiling(String strategy) {
        if (engine == null) {
            return Double.NaN;
        }
        return engine.rowsPerSecond().getOrDefault(strategy.equals(EXACT) ? EXACT : STATIC, Double.NaN);
    }

    public ObjectNode json(ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("suite", suite);
        root.put("machine", machine);
        root.put("date", date);
        root.put("rounds", rounds.values().stream().mapToInt(List::size).max().orElse(1));
        ArrayNode arr = root.putArray("strategies");
        closed.forEach((s, r) -> {
            ObjectNode n = r.json(mapper);
            n.put("strategy", s);
            putNumber(n, "throughput_ratio_to_static", throughputRatio(s));
            if (rounds.containsKey(s)) {
                ArrayNode perRound = n.putArray("rounds_throughput_per_s");
                rounds.get(s).forEach(perRound::add);
                ArrayNode ratios = n.putArray("rounds_ratio_to_static");
                for (double x : roundRatios(s)) {
                    ratios.add(x);
                }
            }
            if (relay != null) {
                putNumber(n, "fraction_of_kafka_relay", r.throughput() / relay.relayPerSecond());
            }
            putNumber(n, "fraction_of_engine_ceiling", r.throughput() / engineCeiling(s));
            arr.add(n);
        });
        ArrayNode ol = root.putArray("open_loop");
        for (OpenLoopPoint p : openLoop) {
            ObjectNode n = ol.addObject();
            n.put("strategy", p.strategy());
            n.put("basis", p.target().basis());
            n.put("fraction", p.target().fraction());
            n.put("target_rate_per_s", p.target().ratePerSecond());
            n.put("requests", p.target().requests());
            if (!p.ran()) {
                n.put("skipped", p.target().skipped());
                continue;
            }
            n.put("answered", p.answered());
            n.put("achieved_rate_per_s", p.achievedPerSecond());
            ObjectNode lat = n.putObject("latency_ms");
            lat.put("p50", p.p50Ms());
            lat.put("p99", p.p99Ms());
            lat.put("p99.9", p.p999Ms());
            putNumber(n, "p99_ratio_to_static", p99Ratio(p));
        }
        ObjectNode c = root.putObject("ceilings");
        if (relay != null) {
            ObjectNode k = c.putObject("kafka_relay");
            k.put("tool", "org.apache.kafka:kafka-tools ProducerPerformance + ConsumerPerformance");
            k.put("record_bytes", relay.recordBytes());
            k.put("records", relay.records());
            k.put("produce_records_per_s", relay.producePerSecond());
            k.put("consume_records_per_s", relay.consumePerSecond());
            k.put("relay_records_per_s", relay.relayPerSecond());
        }
        if (engine != null) {
            ObjectNode e = c.putObject("engine");
            e.put("batch", engine.batch());
            engine.rowsPerSecond().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(x -> e.put(x.getKey() + "_rows_per_s", x.getValue()));
        }
        if (!profiles.isEmpty()) {
            ArrayNode pr = root.putArray("profiles");
            profiles.forEach((s, list) -> list.forEach(p -> {
                ObjectNode n = pr.addObject();
                n.put("strategy", s);
                n.put("service", p.service());
                n.put("file", p.file().toString());
                n.put("java_samples", p.javaSamples());
                n.put("native_samples", p.nativeSamples());
                n.put("idle_samples", p.idleSamples());
                ArrayNode self = n.putArray("top_self");
                p.self().forEach(e -> self.addObject().put("frame", e.frame()).put("share", e.share()));
                ArrayNode inc = n.putArray("top_inclusive");
                p.inclusive().forEach(e -> inc.addObject().put("frame", e.frame()).put("share", e.share()));
            }));
        }
        return root;
    }

    /** The tables for stdout (markdown, as README shows them). */
    public String table() {
        StringBuilder sb = new StringBuilder();
        int requests = closed.values().stream().mapToInt(TrafficReport::requests).max().orElse(0);
        sb.append(String.format(Locale.ROOT, "twin bench e2e: %s, %d requests per strategy (half Kafka, half gRPC), "
                + "%s, %s%n%n", suite, requests, machine, date));
        sb.append("Closed loop\n\n| strategy | answers/s | × static | p50 (ms) | p99 (ms) | accuracy | normalized "
                + "| clusters | cache hit rate | of Kafka relay | of engine |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        closed.forEach((s, r) -> sb.append(String.format(Locale.ROOT,
                "| %s | %.1f | %s | %.1f | %.1f | %.2f%% | %.2f | %d | %.1f%% | %s | %s |%n", s, r.throughput(),
                num(throughputRatio(s), "%.2f"), r.p50Ms(), r.p99Ms(), 100 * r.accuracy(), r.normalized(),
                r.clusters(), 100 * r.cache().hitRate(),
                relay == null ? "–" : pct(r.throughput() / relay.relayPerSecond()),
                pct(r.throughput() / engineCeiling(s)))));
        if (!rounds.isEmpty()) {
            sb.append("\nRounds (interleaved; closed loop above: the median round; × static: the median of the "
                    + "per-round ratios)\n\n| strategy | answers/s per round | × static per round |\n|---|---|---|\n");
            closed.keySet().stream().filter(rounds::containsKey).forEach(s -> sb.append(String.format(Locale.ROOT,
                    "| %s | %s | %s |%n", s, String.join(", ", rounds.get(s).stream()
                            .map(x -> String.format(Locale.ROOT, "%.1f", x)).toList()),
                    String.join(", ", java.util.Arrays.stream(roundRatios(s))
                            .mapToObj(x -> num(x, "%.2f")).toList()))));
        }
        if (!openLoop.isEmpty()) {
            sb.append("\nOpen loop (latency from each request's due time").append(rounds.isEmpty() ? ""
                    : "; each point's latencies pooled over its rounds").append(")\n\n| strategy | rate | target/s | achieved/s "
                    + "| p50 (ms) | p99 (ms) | p99.9 (ms) | p99 × static |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
            for (OpenLoopPoint p : openLoop) {
                String rate = String.format(Locale.ROOT, "%.0f%% of %s", 100 * p.target().fraction(),
                        p.target().basis().equals(OpenLoopTarget.OWN) ? "own" : "static");
                if (!p.ran()) {
                    sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f | skipped: %s | | | | |%n", p.strategy(),
                            rate, p.target().ratePerSecond(), p.target().skipped()));
                    continue;
                }
                sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %s |%n",
                        p.strategy(), rate, p.target().ratePerSecond(), p.achievedPerSecond(), p.p50Ms(), p.p99Ms(),
                        p.p999Ms(), num(p99Ratio(p), "%.2f")));
            }
        }
        if (relay != null || engine != null) {
            sb.append("\nCeilings (same machine, same run)\n\n| ceiling | records or rows/s | note |\n|---|---:|---|\n");
            if (relay != null) {
                sb.append(String.format(Locale.ROOT, "| Kafka relay (kafka-tools) | %.0f | produce %.0f/s, consume "
                                + "%.0f/s, %d records of %.0f B on the stack's broker |%n", relay.relayPerSecond(),
                        relay.producePerSecond(), relay.consumePerSecond(), relay.records(), relay.recordBytes()));
            }
            if (engine != null) {
                engine.rowsPerSecond().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sb.append(
                        String.format(Locale.ROOT, "| %s | %.0f | in process, batch %d |%n",
                                e.getKey().equals(ROUTER) ? "router scoring (router.onnx, ONNX Runtime)"
                                        : "engine forward, " + e.getKey(), e.getValue(), engine.batch())));
            }
        }
        return sb.toString();
    }

    private static void putNumber(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) {
            n.put(key, v);
        } else {
            n.putNull(key);
        }
    }

    private static String num(double v, String format) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "–";
    }

    private static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : "–";
    }
}
