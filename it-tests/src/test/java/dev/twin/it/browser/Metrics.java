package dev.twin.it.browser;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A service's Prometheus text read over HTTP, summed by metric name and label values (independent of the router). */
public record Metrics(String text) {
    // name{labels} value [timestamp] [# exemplar]: with OpenTelemetry on the class path Micrometer appends exemplars
    // ("… 20.0 # {span_id=…,trace_id=…} 1.0 1796044403.908") to histogram counts and buckets
    private static final Pattern LINE = Pattern.compile(
            "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*?)})? (\\S+)(?: -?\\d+)?(?: # \\{.*)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    public static Metrics scrape(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered HTTP " + r.statusCode() + ": " + r.body());
        }
        return new Metrics(r.body());
    }

    /** Σ of the samples named {@code name} whose labels include every {@code key, value} pair given. */
    public double sum(String name, String... labels) {
        Map<String, String> want = new java.util.HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            want.put(labels[i], labels[i + 1]);
        }
        double s = 0;
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line.strip());
            if (line.startsWith("#") || !m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> have = new java.util.HashMap<>();
            Matcher l = LABEL.matcher(m.group(3) == null ? "" : m.group(3));
            while (l.find()) {
                have.put(l.group(1), l.group(2));
            }
            if (want.entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())))) {
                s += Double.parseDouble(m.group(4));
            }
        }
        return s;
    }

    /** Whether a sample of {@code name} is present at all. */
    public boolean has(String name) {
        return Arrays.stream(text.split("\n")).anyMatch(l -> l.startsWith(name + "{") || l.startsWith(name + " "));
    }
}
