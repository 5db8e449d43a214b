package dev.twin.core.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.tensor.FloatTensor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Role recovery on a hand-built graph where only the graph structure tells which weight is which. */
class OnnxBertImporterTest {
    private static final Path SRC = Path.of("tiny.onnx");

    @Test
    void weightsFollowTheirBiasAddNotTheirOrderOrName() {
        ImportedBert bert = OnnxBertImporter.read(SRC, new TinyOnnxBert().build());
        BertConfig c = bert.config();
        assertEquals(BertConfig.of(4, 2, 2, 8, 10, 6, 2, 1e-5), c);
        for (int layer = 0; layer < TinyOnnxBert.LAYERS; layer++) {
            for (int r = 0; r < TinyOnnxBert.MODULES.length; r++) {
                String name = BertLayout.layer(layer) + TinyOnnxBert.MODULES[r] + ".weight";
                FloatTensor w = bert.weights().get(name);
                int out = w.shape()[0];
                int in = w.shape()[1];
                // ONNX [in, out] element (i, o) was 100·layer + r + (i·out + o)/1000; imported [out, in] holds it at (o, i)
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        assertEquals(100f * layer + r + (i * out + o) / 1000f, w.data()[o * in + i], 1e-4f, name);
                    }
                }
            }
        }
        assertArrayEquals(new int[] {8, 4}, bert.weights().get("encoder.layer.1.intermediate.dense.weight").shape());
        assertArrayEquals(new int[] {4, 8}, bert.weights().get("encoder.layer.1.output.dense.weight").shape());
        assertEquals(12, bert.linearSources().size());
    }

    @Test
    void aMatMulWithoutBiasIsRejected() {
        TinyOnnxBert g = new TinyOnnxBert();
        g.missingBiasAdd = BertLayout.VALUE;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxBertImporter.read(SRC, g.build()));
        assertTrue(e.getMessage().contains("feeds no Add with a named bias"), e.getMessage());
        assertTrue(e.getMessage().startsWith("tiny.onnx"), e.getMessage());
    }

    @Test
    void twoWeightsClaimingOneRoleAreRejected() {
        TinyOnnxBert g = new TinyOnnxBert();
        g.stealsQueryBias = BertLayout.KEY;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxBertImporter.read(SRC, g.build()));
        assertTrue(e.getMessage().contains("both add bias 'encoder.layer.1.attention.self.query.bias'"),
                e.getMessage());
    }

    @Test
    void transposeMovesElementIJToJI() {
        FloatTensor w = FloatTensor.of(new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
        FloatTensor t = OnnxBertImporter.transpose(w);
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.data());
    }
}
