package dev.twin.core.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedInputStream;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The import of the real all-MiniLM-L6-v2 ONNX file, checked against what is known independently of the importer. */
class MiniLmImportTest {
    /** PyTorch names each exported node after its module path: an independent witness of each MatMul's role. */
    private static final Pattern NODE = Pattern.compile("^/encoder/layer\\.(\\d+)/(attention/self/query|"
            + "attention/self/key|attention/self/value|attention/output/dense|intermediate/dense|output/dense)/MatMul$");

    @Test
    void rolesAgreeWithTheExportersNodeNamesAndValuesAreTransposed() throws Exception {
        Path dir = MiniLm.dir();
        OnnxMl.ModelProto model;
        try (InputStream in = Files.newInputStream(dir.resolve(MiniLm.ONNX_FILE))) {
            CodedInputStream cis = CodedInputStream.newInstance(in);
            cis.setSizeLimit(Integer.MAX_VALUE);
            model = OnnxMl.ModelProto.parseFrom(cis);
        }
        ImportedBert bert = OnnxBertImporter.read(dir.resolve(MiniLm.ONNX_FILE), model);
        // the published config of sentence-transformers/all-MiniLM-L6-v2
        assertEquals(BertConfig.of(384, 6, 12, 1536, 30522, 512, 2, 1e-12), bert.config());
        Map<String, OnnxMl.TensorProto> inits = new java.util.HashMap<>();
        model.getGraph().getInitializerList().forEach(t -> inits.put(t.getName(), t));
        int checked = 0;
        for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            Matcher m = NODE.matcher(n.getName());
            if (!m.matches()) {
                continue;
            }
            String hf = "encoder.layer." + m.group(1) + "." + m.group(2).replace('/', '.') + ".weight";
            assertEquals(n.getInput(1), bert.linearSources().get(hf), hf);
            // element (i, o) of the ONNX [in, out] operand is element (o, i) of the imported [out, in] weight
            OnnxMl.TensorProto t = inits.get(n.getInput(1));
            int in = (int) t.getDims(0);
            int out = (int) t.getDims(1);
            FloatBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            FloatTensor w = bert.weights().get(hf);
            assertArrayEquals(new int[] {out, in}, w.shape(), hf);
            for (int[] io : new int[][] {{0, 0}, {in - 1, 0}, {0, out - 1}, {in / 3, out / 2}, {in - 1, out - 1}}) {
                assertEquals(raw.get(io[0] * out + io[1]), w.data()[io[1] * in + io[0]], 0f, hf + " " + io[0]);
            }
            checked++;
        }
        assertEquals(6 * 6, checked, "one MatMul per Linear module");
        assertEquals(36, bert.linearSources().size());
    }

    @Test
    void importedDirectoryIsAHuggingFaceBertCheckpoint() {
        Path dir = MiniLm.dir();
        BertConfig c = BertCheckpoint.config(dir);
        assertEquals(384, c.hiddenSize());
        WeightSet hf = BertCheckpoint.weights(dir);
        assertEquals(5 + 16 * 6, hf.size());
        assertArrayEquals(new int[] {30522, 384}, hf.get("embeddings.word_embeddings.weight").shape());
        assertArrayEquals(new int[] {1536, 384}, hf.get("encoder.layer.5.intermediate.dense.weight").shape());
        WeightSet trunk = BertCheckpoint.trunk(dir);
        assertTrue(trunk.contains("trunk.encoder.layer.0.attention.self.query.weight"));
        assertEquals(hf.size(), trunk.size());
    }

    @Test
    void tokenizerGivesTheBertUncasedIds() {
        try (BertTokenizer tok = BertTokenizer.open(MiniLm.tokenizerJson(), 8)) {
            TokenBatch b = tok.encode(List.of("Hello world", "one two three four five six seven eight"));
            // bert-base-uncased vocabulary: [CLS] 101, hello 7592, world 2088, [SEP] 102, [PAD] 0
            assertArrayEquals(new long[] {101, 7592, 2088, 102, 0, 0, 0, 0}, b.ids()[0]);
            assertArrayEquals(new long[] {1, 1, 1, 1, 0, 0, 0, 0}, b.mask()[0]);
            // truncated to 8 tokens, still ending with [SEP]
            assertEquals(102, b.ids()[1][7]);
            assertEquals(8, b.tokens(1));
            assertArrayEquals(new float[] {101, 7592, 2088, 102, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0}, b.row(0));
        }
    }

    @Test
    void aChangedSourceHashTriggersAReimport(@TempDir(factory = dev.twin.core.tensor.TmpDirFactory.class) Path tmp)
            throws Exception {
        Path target = tmp.resolve("model");
        MiniLm.dir(target);
        Path stamp = target.resolve("source.sha256");
        String sha = Files.readString(stamp).trim();
        assertEquals(64, sha.length());
        Files.writeString(stamp, "0".repeat(64) + "\n");
        Files.delete(target.resolve("config.json"));
        MiniLm.dir(target);
        assertEquals(sha, Files.readString(stamp).trim());
        assertTrue(Files.isRegularFile(target.resolve("config.json")));
        assertNotEquals(0, Files.size(target.resolve("model.safetensors")));
    }
}
