package dev.twin.cli.traffic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The summary of a traffic run: counts (requests, answered, duplicates, dead letters), accuracy and normalized score
 * per task (100 = the task's fine-tuned expert on the same answered inputs), throughput, latency percentiles per
 * channel, clusters used and the merger's cache hit rate over the run.
 */
public record TrafficReport(String label, int requests, int answered, int unanswered, int duplicates, int deadLetters,
                            int grpcErrors, double seconds, double throughput, double p50Ms, double p99Ms,
                            Map<Channel, double[]> channelP50P99, int clusters, MergerStats cache,
                            Map<String, TaskScore> tasks) {

    /** One task's share of the traffic. */
    public record TaskScore(int requests, int answered, double accuracy, double fineTunedAccuracy, double normalized) {
    }

    /** Mean accuracy over tasks, in [0, 1]. */
    public double accuracy() {
        return tasks.values().stream().mapToDouble(TaskScore::accuracy).average().orElse(0);
    }

    /** Mean normalized score over tasks, in percent. */
    public double normalized() {
        return tasks.values().stream().mapToDouble(TaskScore::normalized).average().orElse(0);
    }

    /**
     * @param expert each item's class under its task's fine-tuned expert (offline), for the normalized score
     * @param cache  the merger's counters over the run
     */
    public static TrafficReport of(String label, TrafficResult r, Map<String, Integer> expert, MergerStats cache) {
        Map<String, int[]> counts = new LinkedHashMap<>(); // task → {requests, answered, correct, expertCorrect}
        for (TrafficItem i : r.items()) {
            int[] c = counts.computeIfAbsent(i.task(), k -> new int[4]);
            c[0]++;
            Answer a = r.answers().get(i.id());
            if (a != null) {
                c[1]++;
                c[2] += a.predicted() == i.label() ? 1 : 0;
                c[3] += expert.getOrDefault(i.id(), -1) == i.label() ? 1 : 0;
            }
        }
        Map<String, TaskScore> tasks = new LinkedHashMap<>();
        counts.keySet().stream().sorted().forEach(t -> {
            int[] c = counts.get(t);
            double acc = c[1] == 0 ? 0 : (double) c[2] / c[1];
            double ft = c[1] == 0 ? 0 : (double) c[3] / c[1];
            tasks.put(t, new TaskScore(c[0], c[1], acc, ft, ft == 0 ? 0 : 100 * acc / ft));
        });
        Map<Channel, double[]> perChannel = new LinkedHashMap<>();
        for (Channel ch : Channel.values()) {
            double[] lat = r.items().stream().filter(i -> i.channel() == ch && r.answers().containsKey(i.id()))
                    .mapToDouble(i -> (r.answers().get(i.id()).receivedNanos() - r.sentNanos().get(i.id())) / 1e6)
                    .toArray();
            perChannel.put(ch, new double[]{percentile(lat, 50), percentile(lat, 99)});
        }
        double[] all = r.latenciesMs();
        int clusters = (int) r.answers().values().stream().map(Answer::clusterKey).distinct().count();
        return new TrafficReport(label, r.items().size(), r.answers().size(), r.unanswered().size(), r.duplicates(),
                r.deadLetters().size(), r.grpcErrors().size(), r.seconds(), r.throughput(), percentile(all, 50),
                percentile(all, 99), perChannel, clusters, cache, tasks);
    }

    /** Nearest-rank percentile (the smallest value with at least p% of the values at or below it); 0 when empty. */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return 0;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        // the tolerance keeps a whole rank whole: 99.9 / 100 · 1000 is 999.0000000000001 in binary floating point
        int rank = (int) Math.ceil(p / 100.0 * v.length - 1e-9);
        return v[Math.max(0, rank - 1)];
    }

    /** The console summary. */
    public String console() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%s: %d requests, %d answered, %d unanswered, %d duplicate results dropped, "
                        + "%d in DLQ, %d gRPC errors%n", label, requests, answered, unanswered, duplicates, deadLetters,
                grpcErrors));
        sb.append(String.format("  throughput %.1f answers/s over %.1f s; latency p50 %.1f ms, p99 %.1f ms "
                        + "(kafka p50 %.1f / p99 %.1f, grpc p50 %.1f / p99 %.1f)%n", throughput, seconds, p50Ms, p99Ms,
                channelP50P99.get(Channel.KAFKA)[0], channelP50P99.get(Channel.KAFKA)[1],
                channelP50P99.get(Channel.GRPC)[0], channelP50P99.get(Channel.GRPC)[1]));
        sb.append(String.format("  clusters used %d; merger cache %d hits / %d misses (hit rate %.1f%%)%n", clusters,
                cache.hits(), cache.misses(), 100 * cache.hitRate()));
        sb.append(String.format("  %-10s %8s %8s %9s %11s %10s%n", "task", "requests", "answered", "accuracy",
                "fine-tuned", "normalized"));
        tasks.forEach((t, s) -> sb.append(String.format("  %-10s %8d %8d %8.2f%% %10.2f%% %10.2f%n", t, s.requests(),
                s.answered(), 100 * s.accuracy(), 100 * s.fineTunedAccuracy(), s.normalized())));
        sb.append(String.format("  %-10s %8d %8d %8.2f%% %10s %10.2f%n", "average", requests, answered,
                100 * accuracy(), "", normalized()));
        return sb.toString();
    }

    /** The summary as a JSON object. */
    public ObjectNode json(ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        root.put("label", label);
        root.put("requests", requests);
        root.put("answered", answered);
        root.put("unanswered", unanswered);
        root.put("duplicates", duplicates);
        root.put("dlq", deadLetters);
        root.put("grpc_errors", grpcErrors);
        root.put("seconds", seconds);
        root.put("throughput_per_s", throughput);
        ObjectNode lat = root.putObject("latency_ms");
        lat.put("p50", p50Ms);
        lat.put("p99", p99Ms);
        channelP50P99.forEach((ch, v) -> {
            ObjectNode c = lat.putObject(ch.name().toLowerCase(java.util.Locale.ROOT));
            c.put("p50", v[0]);
            c.put("p99", v[1]);
        });
        root.put("clusters", clusters);
        ObjectNode c = root.putObject("cache");
        c.put("hits", cache.hits());
        c.put("misses", cache.misses());
        c.put("hit_rate", cache.hitRate());
        root.put("accuracy", accuracy());
        root.put("normalized", normalized());
        ObjectNode ts = root.putObject("tasks");
        tasks.forEach((t, s) -> {
            ObjectNode n = ts.putObject(t);
            n.put("requests", s.requests());
            n.put("answered", s.answered());
            n.put("accuracy", s.accuracy());
            n.put("fine_tuned_accuracy", s.fineTunedAccuracy());
            n.put("normalized", s.normalized());
        });
        return root;
    }

    /** Writes {@code node} as indented JSON to {@code file}. */
    public static void write(Path file, Object node) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), node);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
