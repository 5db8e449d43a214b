package dev.twin.core.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.tensor.CheckpointException;
import dev.twin.core.tensor.Checkpoints;
import dev.twin.core.tensor.DType;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.SafetensorsWriter;
import dev.twin.core.tensor.TensorSource;
import dev.twin.core.tensor.WeightSet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfConfigTest {
    @TempDir
    Path dir;

    /** all-MiniLM-L6-v2's config.json as transformers writes it (keys this reader ignores included). */
    private static final String MINILM = """
            {"_name_or_path": "nreimers/MiniLM-L6-H384-uncased", "architectures": ["BertModel"],
             "attention_probs_dropout_prob": 0.1, "gradient_checkpointing": false, "hidden_act": "gelu",
             "hidden_dropout_prob": 0.1, "hidden_size": 384, "initializer_range": 0.02, "intermediate_size": 1536,
             "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "model_type": "bert",
             "num_attention_heads": 12, "num_hidden_layers": 6, "pad_token_id": 0,
             "position_embedding_type": "absolute", "transformers_version": "4.8.2", "type_vocab_size": 2,
             "use_cache": true, "vocab_size": 30522}
            """;

    private Path config(String json) throws Exception {
        Files.writeString(dir.resolve("config.json"), json);
        return dir;
    }

    private String error(String json) throws Exception {
        Path d = config(json);
        return assertThrows(CheckpointException.class, () -> HfConfig.read(d)).getMessage();
    }

    @Test
    void readsATransformersConfig() throws Exception {
        HfConfig c = HfConfig.read(config(MINILM));
        assertEquals(new HfConfig("bert", 384, 6, 12, 1536, 30522, 512, 2, 1e-12, "gelu"), c);
        assertEquals(32, c.headDim());
    }

    @Test
    void optionalKeysTakeBertConfigDefaults() throws Exception {
        HfConfig c = HfConfig.read(config("""
                {"model_type": "bert", "hidden_size": 8, "num_hidden_layers": 2, "num_attention_heads": 2,
                 "intermediate_size": 16, "vocab_size": 10, "max_position_embeddings": 7}"""));
        assertEquals(2, c.typeVocabSize());
        assertEquals(1e-12, c.layerNormEps());
        assertEquals("gelu", c.hiddenAct());
    }

    @Test
    void writeThenReadGivesTheSameConfig() {
        HfConfig c = new HfConfig("roberta", 12, 3, 4, 20, 50, 9, 1, 1e-5, "relu");
        c.write(dir);
        assertEquals(c, HfConfig.read(dir));
        assertEquals(c, HfConfig.read(dir.resolve("config.json")));
    }

    @Test
    void missingOrMistypedOrInconsistentValuesAreNamed() throws Exception {
        String m = error(MINILM.replace("\"num_attention_heads\": 12,", ""));
        assertTrue(m.contains("config.json") && m.contains("missing key 'num_attention_heads'"), m);
        m = error(MINILM.replace("\"num_attention_heads\": 12", "\"num_attention_heads\": 10"));
        assertTrue(m.contains("hidden_size 384 is not divisible by num_attention_heads 10"), m);
        m = error(MINILM.replace("\"hidden_size\": 384", "\"hidden_size\": \"384\""));
        assertTrue(m.contains("'hidden_size'") && m.contains("expected an integer"), m);
        m = error(MINILM.replace("\"num_hidden_layers\": 6", "\"num_hidden_layers\": 2.5"));
        assertTrue(m.contains("'num_hidden_layers'") && m.contains("expected an integer"), m);
        m = error(MINILM.replace("\"vocab_size\": 30522", "\"vocab_size\": 0"));
        assertTrue(m.contains("vocab_size must be positive, got 0"), m);
        m = error(MINILM.replace("\"layer_norm_eps\": 1e-12", "\"layer_norm_eps\": -1"));
        assertTrue(m.contains("layer_norm_eps must be a positive finite number"), m);
        m = error("[1, 2]");
        assertTrue(m.contains("expected a JSON object"), m);
        m = error("{\"model_type\": \"bert\", \"model_type\": \"gpt2\"}");
        assertTrue(m.contains("not valid JSON") && m.contains("model_type"), m);
        Path empty = Files.createDirectory(dir.resolve("empty"));
        m = assertThrows(CheckpointException.class, () -> HfConfig.read(empty)).getMessage();
        assertTrue(m.contains("empty/config.json") && m.contains("does not exist"), m);
    }

    /** A checkpoint with the BERT names for {@code layers} layers (optionally under a model prefix). */
    private TensorSource checkpoint(String prefix, int layers, int vocabRows) {
        WeightSet ws = new WeightSet().put(prefix + "embeddings.word_embeddings.weight", FloatTensor.zeros(vocabRows, 4))
                .put(prefix + "embeddings.position_embeddings.weight", FloatTensor.zeros(5, 4));
        for (int i = 0; i < layers; i++) {
            String l = prefix + "encoder.layer." + i + ".";
            ws.put(l + "attention.self.query.weight", FloatTensor.zeros(4, 4))
                    .put(l + "attention.output.dense.weight", FloatTensor.zeros(4, 4))
                    .put(l + "intermediate.dense.weight", FloatTensor.zeros(8, 4))
                    .put(l + "output.dense.weight", FloatTensor.zeros(4, 8));
        }
        Path f = dir.resolve(prefix + layers + "-" + vocabRows + ".safetensors");
        SafetensorsWriter.write(f, ws, DType.F32);
        return Checkpoints.open(f);
    }

    @Test
    void checkpointLayersAndShapesMustMatchTheConfig() {
        HfConfig c = new HfConfig("bert", 4, 3, 2, 8, 6, 5, 2, 1e-12, "gelu");
        try (TensorSource ok = checkpoint("", 3, 6); TensorSource prefixed = checkpoint("bert.", 3, 6)) {
            c.requireMatches(ok);
            c.requireMatches(prefixed);
        }
        try (TensorSource two = checkpoint("", 2, 6)) {
            String m = assertThrows(CheckpointException.class, () -> c.requireMatches(two)).getMessage();
            assertTrue(m.contains("num_hidden_layers=3") && m.contains("encoder.layer.2.*")
                    && m.contains("2-6.safetensors"), m);
        }
        try (TensorSource four = checkpoint("", 4, 6)) {
            String m = assertThrows(CheckpointException.class, () -> c.requireMatches(four)).getMessage();
            assertTrue(m.contains("num_hidden_layers=3") && m.contains("encoder.layer.3.*"), m);
        }
        try (TensorSource wrongVocab = checkpoint("", 3, 7)) {
            String m = assertThrows(CheckpointException.class, () -> c.requireMatches(wrongVocab)).getMessage();
            assertTrue(m.contains("'embeddings.word_embeddings.weight' has shape [7, 4]")
                    && m.contains("implies [6, 4]"), m);
        }
        HfConfig wideFfn = new HfConfig("bert", 4, 3, 2, 16, 6, 5, 2, 1e-12, "gelu");
        try (TensorSource ok = checkpoint("", 3, 6)) {
            String m = assertThrows(CheckpointException.class, () -> wideFfn.requireMatches(ok)).getMessage();
            assertTrue(m.contains("intermediate.dense.weight' has shape [8, 4]") && m.contains("[16, 4]"), m);
        }
    }

    @Test
    void anHfDirectoryOpensAsACheckpoint() throws Exception {
        HfConfig c = new HfConfig("bert", 4, 1, 2, 8, 6, 5, 2, 1e-12, "gelu");
        c.write(dir);
        FloatTensor q = FloatTensor.of(new int[]{2, 2}, 1, 2, 3, 4);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), new WeightSet()
                .put("encoder.layer.0.attention.self.query.weight", q), DType.F32);
        try (TensorSource src = ExpertSources.open(dir, dir)) {
            assertEquals(q, src.load("encoder.layer.0.attention.self.query.weight"));
        }
    }
}
