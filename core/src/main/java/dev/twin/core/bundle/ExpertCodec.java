package dev.twin.core.bundle;

import dev.twin.core.compress.CompressedTensor;
import dev.twin.core.compress.Dense;
import dev.twin.core.compress.LowRank;
import dev.twin.core.compress.Sparse;
import dev.twin.core.tensor.DType;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.SafetensorsFile;
import dev.twin.core.tensor.SafetensorsWriter;
import dev.twin.core.tensor.TensorSource;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One compressed exclusive vector as a safetensors file. Per tensor NAME the metadata key {@code twin.form.NAME}
 * says how it is stored and {@code twin.shape.NAME} gives its original shape:
 * dense → entry NAME; lowrank → NAME.U [m,r], NAME.S [r], NAME.V [n,r]; sparse → NAME.idx (I32), NAME.val.
 * The dense product U·diag(S)·Vᵀ is never stored.
 */
final class ExpertCodec {
    static final String FORM = "twin.form.";
    static final String SHAPE = "twin.shape.";

    private ExpertCodec() {
    }

    static void write(Path file, Map<String, CompressedTensor> parts) {
        SafetensorsWriter w = new SafetensorsWriter();
        for (Map.Entry<String, CompressedTensor> e : parts.entrySet()) {
            String name = e.getKey();
            CompressedTensor c = e.getValue();
            w.metadata(SHAPE + name, shapeString(c.shape()));
            if (c instanceof LowRank lr) {
                w.metadata(FORM + name, "lowrank");
                w.add(name + ".U", FloatTensor.of(new int[]{lr.m(), lr.r()}, lr.u()), DType.F32);
                w.add(name + ".S", FloatTensor.of(new int[]{lr.r()}, lr.s()), DType.F32);
                w.add(name + ".V", FloatTensor.of(new int[]{lr.n(), lr.r()}, lr.v()), DType.F32);
            } else if (c instanceof Sparse sp) {
                w.metadata(FORM + name, "sparse");
                w.addInts(name + ".idx", new int[]{sp.indices().length}, sp.indices());
                w.add(name + ".val", FloatTensor.of(new int[]{sp.values().length}, sp.values()), DType.F32);
            } else {
                w.metadata(FORM + name, "dense");
                w.add(name, ((Dense) c).tensor(), DType.F32);
            }
        }
        w.write(file);
    }

    static Map<String, CompressedTensor> read(Path file) {
        try (TensorSource src = SafetensorsFile.open(file)) {
            Map<String, String> meta = src.metadata();
            Map<String, CompressedTensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, String> m : meta.entrySet()) {
                if (!m.getKey().startsWith(FORM)) {
                    continue;
                }
                String name = m.getKey().substring(FORM.length());
                String shapeText = meta.get(SHAPE + name);
                if (shapeText == null) {
                    throw new BundleException(file + ": tensor '" + name + "' has no " + SHAPE + name + " metadata");
                }
                int[] shape = parseShape(file, name, shapeText);
                out.put(name, switch (m.getValue()) {
                    case "dense" -> new Dense(reshape(file, name, src.load(name), shape));
                    case "lowrank" -> lowRank(file, src, name, shape);
                    case "sparse" -> new Sparse(shape, src.loadInts(name + ".idx"), src.load(name + ".val").data());
                    default -> throw new BundleException(
                            file + ": tensor '" + name + "' has unknown storage form '" + m.getValue() + "'");
                });
            }
            return out;
        }
    }

    private static LowRank lowRank(Path file, TensorSource src, String name, int[] shape) {
        FloatTensor u = src.load(name + ".U");
        FloatTensor s = src.load(name + ".S");
        FloatTensor v = src.load(name + ".V");
        int m = shape[0];
        int n = (int) (FloatTensor.numel(shape) / Math.max(1, m));
        int r = s.numel();
        if (u.rank() != 2 || u.shape()[0] != m || u.shape()[1] != r || v.rank() != 2 || v.shape()[0] != n
                || v.shape()[1] != r) {
            throw new BundleException(file + ": low-rank factors of '" + name + "' do not fit shape "
                    + Arrays.toString(shape) + " (U " + u.shapeString() + ", S " + s.shapeString() + ", V "
                    + v.shapeString() + ")");
        }
        return new LowRank(shape, m, n, r, u.data(), s.data(), v.data());
    }

    private static FloatTensor reshape(Path file, String name, FloatTensor t, int[] shape) {
        if (FloatTensor.numel(shape) != t.numel()) {
            throw new BundleException(file + ": tensor '" + name + "' has " + t.numel() + " values, shape metadata "
                    + Arrays.toString(shape) + " needs " + FloatTensor.numel(shape));
        }
        return new FloatTensor(shape, t.data());
    }

    static String shapeString(int[] shape) {
        return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    private static int[] parseShape(Path file, String name, String text) {
        try {
            return text.isEmpty() ? new int[0] : Arrays.stream(text.split(",")).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new BundleException(file + ": bad shape metadata '" + text + "' for tensor '" + name + "'");
        }
    }
}
