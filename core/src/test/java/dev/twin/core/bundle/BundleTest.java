package dev.twin.core.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.compress.CompressedTensor;
import dev.twin.core.compress.Dense;
import dev.twin.core.compress.LowRank;
import dev.twin.core.compress.Sparse;
import dev.twin.core.modularize.Modularized;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleTest {
    @TempDir
    Path dir;

    /** shared: w [2,3] (6 values) + b [2]; task a: low rank r=1 + dense bias; task b: sparse (2 entries) + dense. */
    private static Modularized sample() {
        WeightSet shared = new WeightSet().put("w", FloatTensor.of(new int[]{2, 3}, 1, 2, 3, 4, 5, 6))
                .put("b", FloatTensor.of(new int[]{2}, 7, 8));
        Map<String, CompressedTensor> a = new LinkedHashMap<>();
        a.put("w", new LowRank(new int[]{2, 3}, 2, 3, 1, new float[]{1, 2}, new float[]{3}, new float[]{1, 0, -1}));
        a.put("b", new Dense(FloatTensor.of(new int[]{2}, 0.5f, -0.5f)));
        Map<String, CompressedTensor> b = new LinkedHashMap<>();
        b.put("w", new Sparse(new int[]{2, 3}, new int[]{1, 5}, new float[]{-1, 2}));
        b.put("b", new Dense(FloatTensor.of(new int[]{2}, 1, 1)));
        Map<String, Map<String, CompressedTensor>> ex = new LinkedHashMap<>();
        ex.put("a", a);
        ex.put("b", b);
        Map<String, WeightSet> heads = new LinkedHashMap<>();
        heads.put("a", new WeightSet().put("head.a.weight", FloatTensor.of(new int[]{3, 2}, 1, 2, 3, 4, 5, 6))
                .put("head.a.bias", FloatTensor.of(new int[]{3}, 0, 0, 0)));
        heads.put("b", new WeightSet().put("head.b.weight", FloatTensor.of(new int[]{1, 2}, 1, 2))
                .put("head.b.bias", FloatTensor.of(new int[]{1}, 0)));
        return new Modularized(List.of("a", "b"), shared, ex, heads);
    }

    private BundleManifest write(byte[] router) {
        return BundleWriter.write(dir, sample(), null,
                new BundleManifest.SharedSpec("task-arithmetic", 0.3, null, "tensor", 0, List.of("head\\..*")),
                new BundleManifest.CompressionSpec("svd", 1, null, 0), router,
                router == null ? null : new BundleManifest.RouterSpec("router.onnx", 1.0, 0.9, router.length));
    }

    @Test
    void roundTripKeepsEveryPartAndItsForm() {
        write(null);
        Bundle b = Bundle.load(dir);
        assertEquals(List.of("a", "b"), b.manifest().taskNames());
        assertEquals(3, b.manifest().tasks().get(0).classes());
        assertNull(b.routerOnnx());
        Modularized m = b.modules();
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, m.shared().get("w").data());
        LowRank lr = (LowRank) m.exclusive().get("a").get("w");
        assertArrayEquals(new float[]{3, 0, -3, 6, 0, -6}, lr.toDense().data());
        Sparse sp = (Sparse) m.exclusive().get("b").get("w");
        assertArrayEquals(new int[]{1, 5}, sp.indices());
        assertArrayEquals(new float[]{0, -1, 0, 0, 0, 2}, sp.toDense().data());
        assertArrayEquals(new float[]{1, 2}, m.heads().get("b").get("head.b.weight").data());
        assertTrue(Files.exists(dir.resolve("experts/a.safetensors")));
    }

    @Test
    void storageReportCountsStoredBytesAgainstDenseExperts() {
        StorageReport s = write(null).storage();
        assertEquals(4 * 8, s.sharedBytes());                   // w (6) + b (2) float32
        assertEquals(4 * (2 + 1 + 3) + 4 * 2, s.expertBytes().get("a")); // U, S, V + dense bias
        assertEquals(2 * 4 + 2 * 4 + 4 * 2, s.expertBytes().get("b"));   // 2 idx + 2 values + dense bias
        assertEquals(4 * (9 + 3), s.headBytes());
        // all experts dense: each a whole model = the 8 merged values + its own head
        assertEquals(4 * (8 + 9) + 4 * (8 + 3), s.denseExpertsBytes());
        assertEquals((double) (32 + 32 + 24 + 48) / (68 + 44), s.ratioToDense(), 1e-12);
    }

    @Test
    void routerIsStoredHashedAndCountedApart() {
        byte[] router = {1, 2, 3, 4, 5};
        BundleManifest m = write(router);
        assertEquals(5, m.storage().routerBytes());
        Bundle b = Bundle.load(dir);
        assertArrayEquals(router, b.routerOnnx());
        assertTrue(m.files().containsKey("router.onnx"));
        BundleWriter.addRouter(dir, new byte[]{9, 9}, new BundleManifest.RouterSpec("router.onnx", 2.0, null, 2));
        Bundle again = Bundle.load(dir);
        assertArrayEquals(new byte[]{9, 9}, again.routerOnnx());
        assertEquals(2.0, again.manifest().router().temperature());
    }

    @Test
    void aTextModelsTokenizerTravelsInTheBundleHashed() throws Exception {
        BundleManifest before = write(new byte[]{1, 2, 3});
        Path tok = Files.writeString(dir.resolveSibling(dir.getFileName() + "-tokenizer.json"), "{\"model\":{}}");
        BundleManifest m = BundleWriter.addTokenizer(dir, tok);
        assertEquals("{\"model\":{}}", Files.readString(dir.resolve(BundleFiles.TOKENIZER)));
        assertEquals(Sha256.of(tok), m.files().get("tokenizer.json"));
        assertEquals(before.router(), m.router());
        assertEquals(before.storage(), m.storage());
        Files.writeString(dir.resolve(BundleFiles.TOKENIZER), "{\"model\":[]}");
        BundleException e = assertThrows(BundleException.class, () -> Bundle.load(dir));
        assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    }

    @Test
    void aChangedByteFailsTheSha256CheckNamingTheFile() throws Exception {
        write(null);
        Path f = dir.resolve("experts/b.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(raf.length() - 1);
            int last = raf.read();
            raf.seek(raf.length() - 1);
            raf.write(last ^ 1);
        }
        BundleException e = assertThrows(BundleException.class, () -> Bundle.load(dir));
        assertTrue(e.getMessage().contains("experts/b.safetensors") && e.getMessage().contains("sha256 mismatch"),
                e.getMessage());
    }

    @Test
    void missingFilesAndManifestsAreNamed() throws Exception {
        write(null);
        Files.delete(dir.resolve("heads/a.safetensors"));
        BundleException e = assertThrows(BundleException.class, () -> Bundle.load(dir));
        assertTrue(e.getMessage().contains("heads/a.safetensors") && e.getMessage().contains("missing"),
                e.getMessage());
        Files.writeString(dir.resolve("manifest.json"), "{not json");
        e = assertThrows(BundleException.class, () -> Bundle.load(dir));
        assertTrue(e.getMessage().contains("manifest"), e.getMessage());
        e = assertThrows(BundleException.class, () -> Bundle.load(dir.resolve("nowhere")));
        assertTrue(e.getMessage().contains("not a bundle"), e.getMessage());
    }
}
