package dev.twin.router.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the Prometheus text exposition format (what {@code /q/metrics} answers) into samples: {@code name{labels}
 * value} lines; comments, blank lines and timestamps are skipped. A malformed line is an error naming it.
 */
public final class PromText {
    private PromText() {
    }

    /** One sample: metric name, labels and value. */
    public record Sample(String name, Map<String, String> labels, double value) {
        public String label(String key) {
            return labels.getOrDefault(key, "");
        }
    }

    public static List<Sample> parse(String text) {
        List<Sample> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            try {
                out.add(sample(l));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("metrics line " + lineNo + " is not 'name{labels} value': '" + l
                        + "' (" + e.getMessage() + ")", e);
            }
        }
        return out;
    }

    private static Sample sample(String l) {
        int brace = l.indexOf('{');
        int space = l.indexOf(' ');
        String name;
        Map<String, String> labels = new LinkedHashMap<>();
        int rest;
        if (brace >= 0 && (space < 0 || brace < space)) {
            name = l.substring(0, brace);
            rest = labels(l, brace + 1, labels);
        } else {
            if (space < 0) {
                throw new IllegalArgumentException("no value");
            }
            name = l.substring(0, space);
            rest = space;
        }
        String[] tail = l.substring(rest).strip().split("\\s+");
        return new Sample(name, Map.copyOf(labels), value(tail[0]));
    }

    /** Reads {@code k="v",...}} from {@code at}; returns the index after the closing brace. */
    private static int labels(String l, int at, Map<String, String> into) {
        int i = at;
        while (true) {
            while (l.charAt(i) == ',' || l.charAt(i) == ' ') {
                i++;
            }
            if (l.charAt(i) == '}') {
                return i + 1;
            }
            int eq = l.indexOf('=', i);
            String key = l.substring(i, eq).strip();
            if (l.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("label " + key + " has no quoted value");
            }
            StringBuilder v = new StringBuilder();
            int j = eq + 2;
            for (; l.charAt(j) != '"'; j++) {
                char c = l.charAt(j);
                if (c == '\\') {
                    char n = l.charAt(++j);
                    v.append(n == 'n' ? '\n' : n);
                } else {
                    v.append(c);
                }
            }
            into.put(key, v.toString());
            i = j + 1;
        }
    }

    private static double value(String s) {
        return switch (s) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }
}
