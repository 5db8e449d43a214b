package dev.twin.router.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded mutations of valid inputs, the same sequence for the same seed: raw bytes (bit flips, boundary bytes,
 * inserted, deleted, duplicated and truncated spans), JSON trees (a node deleted, retyped, replaced by a boundary
 * value, an array cut or grown, a field added) and protobuf messages through their descriptors (any field, nested
 * and repeated ones and map entries included, cleared, set to a boundary value of its type, or given extra elements).
 */
public final class Mutator {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final byte[] BOUNDARY_BYTES = {0, -1, 0x7f, (byte) 0x80, '"', '{', '}', '[', ']', ',', ':', '\\',
        '-', '.', 'e', '0', '9', 'n', 0x0a, 0x08, 0x12, 0x1a, 0x22, 0x2a, 0x32};
    private static final String[] STRINGS = {"", " ", "twin", "FP32", "INT8", "BYTES", "FP64", "input", "task",
        "twin.results", "twin.results.fz", "twin.requests", "no such topic!!", "\u0000", "ünïcødé ✓", "%s%n",
        "../../etc/passwd", "a".repeat(300), "{\"id\":1}", "NaN", "-0", "1e309", "\uFFFF\u00A0\u2028"};
    private static final double[] NUMBERS = {0, -0.0, 1, -1, 2, 0.5, 255, 256, 65535, 1e9, -1e9, Integer.MAX_VALUE,
        Integer.MIN_VALUE, Long.MAX_VALUE, 1e308, -1e308, 4.9e-324, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY};
    private static final long[] LONGS = {0, 1, -1, 2, 3, 7, 20, 784, 785, 1 << 20, Integer.MAX_VALUE,
        Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE};

    private final SplittableRandom rnd;

    public Mutator(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    public int nextInt(int bound) {
        return rnd.nextInt(bound);
    }

    public boolean chance(double p) {
        return rnd.nextDouble() < p;
    }

    public <T> T pick(List<T> items) {
        return items.get(rnd.nextInt(items.size()));
    }

    /** 1 to 4 byte-level edits. */
    public byte[] bytes(byte[] in) {
        byte[] b = in.clone();
        int edits = 1 + rnd.nextInt(4);
        for (int k = 0; k < edits; k++) {
            b = byteEdit(b);
        }
        return b;
    }

    private byte[] byteEdit(byte[] b) {
        int n = b.length;
        int op = rnd.nextInt(7);
        if (n == 0) {
            op = 2;
        }
        switch (op) {
            case 0 -> { // flip one bit
                int i = rnd.nextInt(n);
                b[i] ^= (byte) (1 << rnd.nextInt(8));
            }
            case 1 -> b[rnd.nextInt(n)] = BOUNDARY_BYTES[rnd.nextInt(BOUNDARY_BYTES.length)];
            case 2 -> { // insert 1..16 random bytes
                byte[] ins = new byte[1 + rnd.nextInt(16)];
                for (int i = 0; i < ins.length; i++) {
                    ins[i] = chance(0.5) ? BOUNDARY_BYTES[rnd.nextInt(BOUNDARY_BYTES.length)] : (byte) rnd.nextInt(256);
                }
                int at = rnd.nextInt(n + 1);
                byte[] out = new byte[n + ins.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(ins, 0, out, at, ins.length);
                System.arraycopy(b, at, out, at + ins.length, n - at);
                return out;
            }
            case 3 -> { // delete a span
                int at = rnd.nextInt(n);
                int len = 1 + rnd.nextInt(Math.min(64, n - at));
                byte[] out = new byte[n - len];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + len, out, at, n - at - len);
                return out;
            }
            case 4 -> { // duplicate a span
                int at = rnd.nextInt(n);
                int len = 1 + rnd.nextInt(Math.min(64, n - at));
                byte[] out = new byte[n + len];
                System.arraycopy(b, 0, out, 0, at + len);
                System.arraycopy(b, at, out, at + len, n - at);
                return out;
            }
            case 5 -> { // truncate
                byte[] out = new byte[rnd.nextInt(n)];
                System.arraycopy(b, 0, out, 0, out.length);
                return out;
            }
            default -> { // overwrite a span with one random byte value
                int at = rnd.nextInt(n);
                int len = 1 + rnd.nextInt(Math.min(8, n - at));
                byte v = (byte) rnd.nextInt(256);
                for (int i = at; i < at + len; i++) {
                    b[i] = v;
                }
            }
        }
        return b;
    }

    /** 1 to 3 structural edits of a copy of the tree. */
    public JsonNode json(JsonNode in) {
        JsonNode root = in.deepCopy();
        int edits = 1 + rnd.nextInt(3);
        for (int k = 0; k < edits && root.isContainerNode(); k++) {
            List<JsonNode> containers = new ArrayList<>();
            collect(root, containers);
            JsonNode c = pick(containers);
            if (c instanceof ObjectNode o) {
                editObject(o);
            } else if (c instanceof ArrayNode a) {
                editArray(a);
            }
            if (chance(0.03)) {
                root = value(); // the whole body becomes a scalar, an empty object or array
            }
        }
        return root;
    }

    private static void collect(JsonNode n, List<JsonNode> out) {
        if (n.isContainerNode()) {
            out.add(n);
            // a long data array counts once, its elements are edited through it
            if (n.isObject()) {
                n.elements().forEachRemaining(c -> collect(c, out));
            } else if (n.size() <= 8) {
                n.elements().forEachRemaining(c -> collect(c, out));
            }
        }
    }

    private void editObject(ObjectNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        int op = names.isEmpty() ? 2 : rnd.nextInt(4);
        switch (op) {
            case 0 -> o.remove(pick(names));
            case 1 -> o.set(pick(names), value());
            case 2 -> o.set(chance(0.5) ? pick(List.of("id", "inputs", "parameters", "outputs", "name", "shape",
                    "datatype", "data", "task", "model_name", "reply_to")) : STRINGS[rnd.nextInt(STRINGS.length)],
                    value());
            default -> { // swap the values of two fields
                String a = pick(names);
                String b = pick(names);
                JsonNode va = o.get(a);
                o.set(a, o.get(b));
                o.set(b, va);
            }
        }
    }

    private void editArray(ArrayNode a) {
        int op = a.isEmpty() ? 2 : rnd.nextInt(5);
        switch (op) {
            case 0 -> a.remove(rnd.nextInt(a.size()));
            case 1 -> a.set(rnd.nextInt(a.size()), value());
            case 2 -> a.insert(rnd.nextInt(a.size() + 1), value());
            case 3 -> { // cut to a prefix
                int keep = rnd.nextInt(a.size());
                while (a.size() > keep) {
                    a.remove(a.size() - 1);
                }
            }
            default -> { // grow by repeating elements
                int extra = 1 + rnd.nextInt(Math.max(1, a.size()));
                for (int i = 0; i < extra; i++) {
                    a.add(a.get(rnd.nextInt(a.size())).deepCopy());
                }
            }
        }
    }

    /** A JSON value of any type, mostly boundary ones. */
    private JsonNode value() {
        return switch (rnd.nextInt(9)) {
            case 0 -> F.nullNode();
            case 1 -> F.booleanNode(chance(0.5));
            case 2 -> F.textNode(STRINGS[rnd.nextInt(STRINGS.length)]);
            case 3 -> {
                double d = NUMBERS[rnd.nextInt(NUMBERS.length)];
                yield Double.isFinite(d) ? F.numberNode(d) : F.textNode(String.valueOf(d));
            }
            case 4 -> F.numberNode(LONGS[rnd.nextInt(LONGS.length)]);
            case 5 -> F.numberNode(new java.math.BigInteger("9".repeat(1 + rnd.nextInt(60))));
            case 6 -> F.objectNode();
            case 7 -> {
                ArrayNode a = F.arrayNode();
                int n = rnd.nextInt(4);
                for (int i = 0; i < n; i++) {
                    a.add(LONGS[rnd.nextInt(LONGS.length)]);
                }
                yield a;
            }
            default -> {
                ObjectNode o = F.objectNode();
                o.set(STRINGS[rnd.nextInt(STRINGS.length)], chance(0.5) ? F.textNode("x") : F.numberNode(1));
                yield o;
            }
        };
    }

    /** 1 to 3 field edits through the message's descriptor (nested messages and map entries included). */
    @SuppressWarnings("unchecked")
    public <M extends Message> M proto(M in) {
        Message.Builder b = in.toBuilder();
        int edits = 1 + rnd.nextInt(3);
        for (int k = 0; k < edits; k++) {
            edit(b, 0);
        }
        return (M) b.build();
    }

    private void edit(Message.Builder b, int depth) {
        List<FieldDescriptor> fields = b.getDescriptorForType().getFields();
        FieldDescriptor f = fields.get(rnd.nextInt(fields.size()));
        boolean message = f.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
        if (f.isRepeated()) {
            int n = b.getRepeatedFieldCount(f);
            int op = rnd.nextInt(message && n > 0 && depth < 4 ? 5 : 4);
            switch (op) {
                case 0 -> b.clearField(f);
                case 1 -> { // add elements
                    int extra = 1 + (chance(0.2) ? rnd.nextInt(50) : 0);
                    for (int i = 0; i < extra; i++) {
                        b.addRepeatedField(f, message ? randomMessage(b, f) : scalar(f));
                    }
                }
                case 2 -> { // drop the last elements
                    if (n > 0) {
                        List<Object> keep = new ArrayList<>((List<Object>) b.getField(f));
                        keep = keep.subList(0, rnd.nextInt(n));
                        b.setField(f, keep);
                    }
                }
                case 3 -> {
                    if (n > 0 && !message) {
                        b.setRepeatedField(f, rnd.nextInt(n), scalar(f));
                    }
                }
                default -> { // descend into one element
                    int i = rnd.nextInt(n);
                    Message.Builder eb = ((Message) b.getRepeatedField(f, i)).toBuilder();
                    edit(eb, depth + 1);
                    b.setRepeatedField(f, i, eb.build());
                }
            }
        } else if (message) {
            if (chance(0.2)) {
                b.clearField(f);
            } else if (depth < 4) {
                Message.Builder nb = ((Message) b.getField(f)).toBuilder();
                edit(nb, depth + 1);
                b.setField(f, nb.build());
            }
        } else if (chance(0.15)) {
            b.clearField(f);
        } else {
            b.setField(f, scalar(f));
        }
    }

    private Message randomMessage(Message.Builder parent, FieldDescriptor f) {
        Message.Builder nb = parent.newBuilderForField(f);
        int edits = rnd.nextInt(4);
        for (int i = 0; i < edits; i++) {
            edit(nb, 3);
        }
        return nb.buildPartial();
    }

    private Object scalar(FieldDescriptor f) {
        return switch (f.getJavaType()) {
            case INT -> (int) LONGS[rnd.nextInt(LONGS.length)];
            case LONG -> LONGS[rnd.nextInt(LONGS.length)];
            case FLOAT -> (float) NUMBERS[rnd.nextInt(NUMBERS.length)];
            case DOUBLE -> NUMBERS[rnd.nextInt(NUMBERS.length)];
            case BOOLEAN -> chance(0.5);
            case STRING -> STRINGS[rnd.nextInt(STRINGS.length)];
            case BYTE_STRING -> {
                byte[] raw = new byte[chance(0.3) ? rnd.nextInt(9) : rnd.nextInt(4096)];
                for (int i = 0; i < raw.length; i++) {
                    raw[i] = (byte) rnd.nextInt(256);
                }
                yield ByteString.copyFrom(raw);
            }
            case ENUM -> {
                var values = f.getEnumType().getValues();
                yield values.get(rnd.nextInt(values.size()));
            }
            case MESSAGE -> throw new IllegalStateException("not a scalar: " + f.getFullName());
        };
    }

    /** A Kafka header value: a known good one, a boundary string, random bytes or null. */
    public byte[] headerValue(List<String> good) {
        return switch (rnd.nextInt(6)) {
            case 0, 1 -> pick(good).getBytes(StandardCharsets.UTF_8);
            case 2 -> STRINGS[rnd.nextInt(STRINGS.length)].getBytes(StandardCharsets.UTF_8);
            case 3 -> null;
            case 4 -> bytes(pick(good).getBytes(StandardCharsets.UTF_8));
            default -> {
                byte[] raw = new byte[rnd.nextInt(40)];
                for (int i = 0; i < raw.length; i++) {
                    raw[i] = (byte) rnd.nextInt(256);
                }
                yield raw;
            }
        };
    }

    /** A header name: a known one (maybe in another case) or a boundary string. */
    public String headerName(List<String> known) {
        String n = chance(0.7) ? pick(known) : STRINGS[rnd.nextInt(STRINGS.length)];
        return chance(0.1) ? n.toUpperCase(java.util.Locale.ROOT) : n;
    }

}
