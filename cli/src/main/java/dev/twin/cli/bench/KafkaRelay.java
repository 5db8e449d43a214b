package dev.twin.cli.bench;

import dev.twin.cli.stack.KafkaLib;
import dev.twin.cli.stack.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kafka ceiling: records of the requests' size relayed through the stack's broker by Kafka's own perf tools
 * ({@code org.apache.kafka.tools.ProducerPerformance} then {@code ConsumerPerformance}, from kafka-tools in the
 * broker's jar directory), producer and consumer with Kafka's default settings. A pipelined relay moves records no
 * faster than the slower of the two sides.
 */
public final class KafkaRelay {
    public static final String TOPIC = "twin.bench.relay";
    private static final long TOOL_TIMEOUT_S = 300;
    private static final Pattern PRODUCED = Pattern.compile("(\\d+) records sent, ([0-9.]+) records/sec");

    /** Mean payload size, records relayed, and the producer's and consumer's rates. */
    public record Ceiling(double recordBytes, int records, double producePerSecond, double consumePerSecond) {
        /** Records per second through produce-then-consume: the slower side. */
        public double relayPerSecond() {
            return Math.min(producePerSecond, consumePerSecond);
        }
    }

    private KafkaRelay() {
    }

    /**
     * Relays {@code records} records of {@code recordBytes} bytes each (the mean size of the requests the Kafka
     * channel sends; the broker does not look inside, and a binary payload cannot go through the tool's line-delimited
     * payload file) through the broker at {@code bootstrap}; the tools' output goes to files in {@code workDir}.
     */
    public static Ceiling run(String bootstrap, int recordBytes, int records, int partitions, Path workDir) {
        if (recordBytes < 1 || records < 1) {
            throw new IllegalArgumentException("the relay needs a positive record size and count, got " + recordBytes
                    + " B and " + records);
        }
        Topics.create(bootstrap, List.of(TOPIC), partitions);
        String produced = tool(workDir, "relay-producer", "org.apache.kafka.tools.ProducerPerformance", "--topic", TOPIC,
                "--num-records", String.valueOf(records), "--record-size", String.valueOf(recordBytes),
                "--throughput", "-1", "--producer-props", "bootstrap.servers=" + bootstrap);
        String consumed = tool(workDir, "relay-consumer", "org.apache.kafka.tools.ConsumerPerformance",
                "--bootstrap-server", bootstrap, "--topic", TOPIC, "--messages", String.valueOf(records),
                "--timeout", "60000");
        return new Ceiling(recordBytes, records, producedPerSecond(produced), consumedPerSecond(consumed));
    }

    /** Mean size of {@code payloads} in bytes, rounded. */
    public static int meanBytes(List<byte[]> payloads) {
        if (payloads.isEmpty()) {
            throw new IllegalArgumentException("no payloads to size the relay's records from");
        }
        return (int) Math.round(payloads.stream().mapToLong(p -> p.length).sum() / (double) payloads.size());
    }

    /** Records/s of ProducerPerformance's summary (its last "N records sent, X records/sec" line). */
    static double producedPerSecond(String output) {
        double rate = Double.NaN;
        for (String line : output.split("\n")) {
            Matcher m = PRODUCED.matcher(line);
            if (m.find()) {
                rate = Double.parseDouble(m.group(2));
            }
        }
        if (Double.isNaN(rate)) {
            throw new IllegalStateException("ProducerPerformance printed no summary:\n" + output);
        }
        return rate;
    }

    /**
     * Records/s of ConsumerPerformance's result row: {@code fetch.nMsg.sec}, the rate while fetching (the group join
     * before the first fetch is a one-off, not a relay cost).
     */
    static double consumedPerSecond(String output) {
        String[] header = null;
        String[] row = null;
        for (String line : output.split("\n")) {
            String[] cells = line.split(",\\s*");
            if (line.startsWith("start.time")) {
                header = cells;
            } else if (header != null && cells.length == header.length) {
                row = cells;
            }
        }
        if (header == null || row == null) {
            throw new IllegalStateException("ConsumerPerformance printed no result row:\n" + output);
        }
        for (int i = 0; i < header.length; i++) {
            if (header[i].trim().equals("fetch.nMsg.sec")) {
                return Double.parseDouble(row[i].trim());
            }
        }
        throw new IllegalStateException("ConsumerPerformance has no fetch.nMsg.sec column:\n" + output);
    }

    private static String tool(Path workDir, String name, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", KafkaLib.locate().classpath(), mainClass));
        cmd.addAll(List.of(args));
        Path out = workDir.resolve(name + ".out");
        Path err = workDir.resolve(name + ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(TOOL_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(mainClass + " did not finish within " + TOOL_TIMEOUT_S + " s; see "
                        + out + " and " + err);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.format(Locale.ROOT, "%s exited with %d; see %s:%n%s", mainClass,
                        p.exitValue(), err, Files.readString(err, StandardCharsets.UTF_8)));
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + mainClass + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + mainClass, e);
        }
    }
}
