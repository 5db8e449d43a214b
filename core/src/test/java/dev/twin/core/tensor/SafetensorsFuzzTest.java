package dev.twin.core.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.twin.core.tensor.HandBuilt.f32;
import static dev.twin.core.tensor.HandBuilt.f64;
import static dev.twin.core.tensor.HandBuilt.i32;
import static dev.twin.core.tensor.HandBuilt.i64;
import static dev.twin.core.tensor.HandBuilt.u16;
import static dev.twin.core.tensor.HandBuilt.u8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded mutation fuzzing of valid files: every mutant either opens and loads completely or fails with a
 * CheckpointException; any other exception or Error fails, and so does any mutant that makes one open-and-load
 * allocate more than 32 MB (the seed files are under 2 KB, so only an unchecked declared size could).
 */
class SafetensorsFuzzTest {
    private static final long SEED = 20240601L;
    private static final int MUTANTS = 10_000;
    private static final long MAX_ALLOCATION = 32L << 20;
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");
    private static final Pattern DTYPE = Pattern.compile("\"dtype\":\"[A-Z0-9]*\"");
    private static final String[] NUMBERS = {"0", "1", "-1", "2", "3", "7", "8", "4294967296", "2147483648",
            "2147483647", "4611686018427387904", "9223372036854775807", "9223372036854775808",
            "99999999999999999999999", "1e30", "1.5", "-0", "\"3\"", "null", "[]", "{}", "1000000000000"};
    private static final String[] DTYPES = {"F32", "F16", "BF16", "F64", "I64", "I32", "I8", "U8", "BOOL", "F8", "",
            "f32", "U64"};
    private static final Pattern METADATA_VALUE = Pattern.compile("\"(pt|fuzz)\"");
    private static final Pattern OFFSETS = Pattern.compile("\"data_offsets\":\\[(\\d{1,18}),(\\d{1,18})]");
    /** Refusals the mutants must provoke, so that the fuzzing is known to get past the first checks. */
    private static final String[] DEEP_CHECKS = {"exceeds file size", "shorter than the 8-byte", "not valid UTF-8",
            "not valid JSON", "unknown dtype", "missing field", "not an integer", "negative", "needs", "begin",
            "run past the end", "overlap", "gap of", "not covered", "does not fit an int", "larger than 2^63",
            "__metadata__"};
    private static final String JSON_CHARS = "{}[],:\" \\0a-.eE";

    @TempDir(factory = TmpDirFactory.class)
    Path dir;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private List<byte[]> seeds() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(new HandBuilt()
                .entry("\"__metadata__\":{\"format\":\"pt\"}")
                .tensor("f32", "F32", "[2,3]", f32(1, 2, 3, 4, 5, 6))
                .tensor("f16", "F16", "[4]", u16(0x3C00, 0xC000, 0x7BFF, 0x0001))
                .tensor("bf16", "BF16", "[2]", u16(0x3F80, 0xC040))
                .tensor("f64", "F64", "[2]", f64(2.5, 0.1))
                .tensor("i64", "I64", "[3]", i64(-5, 1L << 40, 7))
                .tensor("i32", "I32", "[2]", i32(-7, 123456))
                .tensor("i8", "I8", "[3]", u8(0x80, 0x7F, 0xFF))
                .tensor("u8", "U8", "[3]", u8(0xFF, 0, 0x80))
                .tensor("bool", "BOOL", "[2]", u8(0, 1))
                .tensor("scalar", "F32", "[]", f32(42))
                .bytes());
        Path written = dir.resolve("written.safetensors");
        new SafetensorsWriter()
                .metadata("origin", "fuzz")
                .add("layer.0.weight", FloatTensor.of(new int[] {3, 4}, new float[12]), DType.F32)
                .add("layer.0.bias", FloatTensor.of(new int[] {4}, 1, 2, 3, 4), DType.F16)
                .add("layer.1.weight", FloatTensor.of(new int[] {2, 2, 2}, 1, 2, 3, 4, 5, 6, 7, 8), DType.BF16)
                .addInts("index", new int[] {5}, new int[] {0, 1, 2, 3, 4})
                .write(written);
        seeds.add(Files.readAllBytes(written));
        seeds.add(HandBuilt.file("{}", new byte[0]));
        return seeds;
    }

    @Test
    void mutantsOpenOrFailCleanly() throws Exception {
        List<byte[]> seeds = seeds();
        int[] outcomes = new int[2]; // [loaded, refused]
        Set<String> reached = new TreeSet<>();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            SplittableRandom rnd = new SplittableRandom(SEED);
            for (int i = 0; i < MUTANTS; i++) {
                byte[] seed = seeds.get(rnd.nextInt(seeds.size()));
                StringBuilder how = new StringBuilder();
                byte[] mutant = mutate(seed, rnd, how);
                if (rnd.nextInt(4) == 0) {
                    mutant = mutate(mutant, rnd, how.append(" then "));
                }
                // a fresh name per mutant: rewriting one file in place makes ext4 flush it every time
                Path p = dir.resolve("mutant" + i + ".safetensors");
                Files.write(p, mutant);
                long before = threads.getCurrentThreadAllocatedBytes();
                try {
                    openAndLoadAll(p);
                    outcomes[0]++;
                } catch (CheckpointException expected) {
                    assertTrue(expected.getMessage().startsWith(p + ": "), expected.getMessage());
                    outcomes[1]++;
                    for (String check : DEEP_CHECKS) {
                        if (expected.problem().contains(check)) {
                            reached.add(check);
                        }
                    }
                } catch (Throwable t) {
                    throw new AssertionError("mutant " + i + " (seed " + SEED + "): " + how + " threw " + t, t);
                }
                Files.delete(p);
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                if (allocated > MAX_ALLOCATION) {
                    fail("mutant " + i + " (" + how + ") allocated " + allocated + " bytes");
                }
            }
        });
        // both outcomes must be common, or the mutations are not exploring the reader
        assertTrue(outcomes[0] > MUTANTS / 50, "loaded " + outcomes[0]);
        assertTrue(outcomes[1] > MUTANTS / 2, "refused " + outcomes[1]);
        assertEquals(new TreeSet<>(List.of(DEEP_CHECKS)), reached, "checks the mutants reached");
    }

    private static void openAndLoadAll(Path p) {
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            f.metadata();
            for (String name : f.names()) {
                TensorInfo t = f.info(name);
                f.load(name);
                if (t.dtype().isInteger()) {
                    f.loadInts(name);
                }
            }
        }
    }

    private static byte[] mutate(byte[] in, SplittableRandom rnd, StringBuilder how) {
        int kind = rnd.nextInt(9);
        switch (kind) {
            case 0 -> {
                byte[] out = in.clone();
                int flips = 1 + rnd.nextInt(4);
                how.append("flip ").append(flips).append(" bytes");
                for (int k = 0; k < flips && out.length > 0; k++) {
                    out[rnd.nextInt(out.length)] ^= (byte) (1 + rnd.nextInt(255));
                }
                return out;
            }
            case 1 -> {
                int len = rnd.nextInt(in.length + 1);
                how.append("truncate to ").append(len);
                return Arrays.copyOf(in, len);
            }
            case 2 -> {
                long[] choices = {0, 1, headerLength(in) - 1, headerLength(in) + 1, in.length - 8, in.length,
                        1L << 31, Long.MAX_VALUE, -1L, rnd.nextLong()};
                long n = choices[rnd.nextInt(choices.length)];
                how.append("header length ").append(Long.toUnsignedString(n));
                byte[] out = in.clone();
                if (out.length >= 8) {
                    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
                }
                return out;
            }
            case 3 -> {
                byte[] out = Arrays.copyOf(in, in.length + 1 + rnd.nextInt(16));
                how.append("append ").append(out.length - in.length).append(" bytes");
                for (int k = in.length; k < out.length; k++) {
                    out[k] = (byte) rnd.nextInt(256);
                }
                return out;
            }
            default -> {
                if (in.length < 8 || headerLength(in) < 0 || headerLength(in) > in.length - 8) {
                    how.append("no-op");
                    return in;
                }
                int n = (int) headerLength(in);
                String header = new String(in, 8, n, StandardCharsets.UTF_8);
                byte[] data = Arrays.copyOfRange(in, 8 + n, in.length);
                String edited = switch (kind) {
                    case 4 -> replaceOne(header, NUMBER, NUMBERS[rnd.nextInt(NUMBERS.length)], rnd, how);
                    case 5 -> rnd.nextBoolean()
                            ? replaceOne(header, NUMBER, NUMBERS[rnd.nextInt(NUMBERS.length)], rnd, how)
                            : replaceOne(header, METADATA_VALUE, NUMBERS[rnd.nextInt(NUMBERS.length)], rnd, how);
                    case 7 -> shiftOffsets(header, rnd, how);
                    case 6 -> replaceOne(header, DTYPE, "\"dtype\":\"" + DTYPES[rnd.nextInt(DTYPES.length)] + "\"",
                            rnd, how);
                    default -> editChars(header, rnd, how);
                };
                // header length kept consistent, so the edit reaches the JSON and layout checks
                return HandBuilt.file(edited, data);
            }
        }
    }

    /** Moves one tensor's range by d bytes keeping its length, so the size check passes and the layout checks run. */
    private static String shiftOffsets(String s, SplittableRandom rnd, StringBuilder how) {
        List<long[]> spans = new ArrayList<>();
        Matcher m = OFFSETS.matcher(s);
        while (m.find()) {
            spans.add(new long[] {m.start(), m.end(), Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
        }
        if (spans.isEmpty()) {
            how.append("no offsets to shift");
            return s;
        }
        long[] sp = spans.get(rnd.nextInt(spans.size()));
        long[] shifts = {-8, -4, -2, -1, 1, 2, 4, 8, 1L << 32, Long.MAX_VALUE - sp[3]};
        long d = Math.max(-sp[2], shifts[rnd.nextInt(shifts.length)]);
        how.append("shift offsets [").append(sp[2]).append(", ").append(sp[3]).append("] by ").append(d);
        return s.substring(0, (int) sp[0]) + "\"data_offsets\":[" + (sp[2] + d) + "," + (sp[3] + d) + "]"
                + s.substring((int) sp[1]);
    }

    private static long headerLength(byte[] in) {
        return in.length < 8 ? -1 : ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    private static String replaceOne(String s, Pattern p, String replacement, SplittableRandom rnd, StringBuilder how) {
        List<int[]> spans = new ArrayList<>();
        Matcher m = p.matcher(s);
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
        }
        if (spans.isEmpty()) {
            how.append("no match for ").append(p);
            return s;
        }
        int[] sp = spans.get(rnd.nextInt(spans.size()));
        how.append("replace '").append(s, sp[0], sp[1]).append("' at ").append(sp[0]).append(" by '")
                .append(replacement).append('\'');
        return s.substring(0, sp[0]) + replacement + s.substring(sp[1]);
    }

    private static String editChars(String s, SplittableRandom rnd, StringBuilder how) {
        if (s.isEmpty()) {
            how.append("insert into empty header");
            return "{";
        }
        int at = rnd.nextInt(s.length());
        char c = JSON_CHARS.charAt(rnd.nextInt(JSON_CHARS.length()));
        return switch (rnd.nextInt(3)) {
            case 0 -> {
                how.append("delete char ").append(at);
                yield s.substring(0, at) + s.substring(at + 1);
            }
            case 1 -> {
                how.append("insert '").append(c).append("' at ").append(at);
                yield s.substring(0, at) + c + s.substring(at);
            }
            default -> {
                int to = Math.min(s.length(), at + 1 + rnd.nextInt(40));
                how.append("duplicate [").append(at).append(", ").append(to).append(')');
                yield s.substring(0, to) + s.substring(at, to) + s.substring(to);
            }
        };
    }

    @Test
    void mutatedIndexFilesOpenOrFailCleanly() throws Exception {
        Path d = dir.resolve("sharded");
        WeightSet ws = new WeightSet()
                .put("a", FloatTensor.of(new int[] {2}, 1, 2))
                .put("b", FloatTensor.of(new int[] {3}, 1, 2, 3))
                .put("c", FloatTensor.of(new int[] {1}, 5));
        ShardedWriter.write(d, ws, DType.F32, 8);
        Path index = d.resolve(ShardedCheckpoint.INDEX_FILE);
        String original = Files.readString(index);
        Pattern shardName = Pattern.compile("model-0000\\d-of-0000\\d\\.safetensors");
        String[] names = {"model-00009-of-00003.safetensors", "../x", "", "model-00001-of-00003.safetensors"};
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            SplittableRandom rnd = new SplittableRandom(SEED + 1);
            for (int i = 0; i < 600; i++) {
                StringBuilder how = new StringBuilder();
                String edited = switch (rnd.nextInt(4)) {
                    case 0 -> replaceOne(original, NUMBER, NUMBERS[rnd.nextInt(NUMBERS.length)], rnd, how);
                    case 1 -> replaceOne(original, shardName, names[rnd.nextInt(names.length)], rnd, how);
                    case 2 -> replaceOne(original, Pattern.compile("\"[abc]\""), "\"z\"", rnd, how);
                    default -> editChars(original, rnd, how);
                };
                Files.delete(index);
                Files.writeString(index, edited);
                try (ShardedCheckpoint sc = ShardedCheckpoint.open(d)) {
                    sc.metadata();
                    for (String n : sc.names()) {
                        sc.load(n);
                    }
                } catch (CheckpointException expected) {
                    // a clean refusal
                } catch (Throwable t) {
                    throw new AssertionError("index mutant " + i + ": " + how + " threw " + t, t);
                }
            }
        });
    }
}
