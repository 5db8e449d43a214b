package dev.twin.core.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.tensor.TmpDirFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertConfigTest {
    @TempDir(factory = TmpDirFactory.class)
    Path tmp;

    @Test
    void writesHuggingFaceKeysAndReadsThemBack() throws Exception {
        BertConfig c = BertConfig.of(384, 6, 12, 1536, 30522, 512, 2, 1e-12);
        c.write(tmp);
        String json = Files.readString(tmp.resolve("config.json"));
        for (String key : new String[] {"\"hidden_size\" : 384", "\"num_hidden_layers\" : 6",
            "\"num_attention_heads\" : 12", "\"intermediate_size\" : 1536", "\"vocab_size\" : 30522",
            "\"max_position_embeddings\" : 512", "\"type_vocab_size\" : 2", "\"layer_norm_eps\" : 1.0E-12",
            "\"hidden_act\" : \"gelu\"", "\"model_type\" : \"bert\""}) {
            assertTrue(json.contains(key), key + " in " + json);
        }
        assertEquals(c, BertConfig.read(tmp));
        assertEquals(c, BertConfig.fromSpec(c.toSpec(64)));
    }

    @Test
    void readsAHandWrittenHuggingFaceConfig() throws Exception {
        Files.writeString(tmp.resolve("config.json"), "{\"architectures\": [\"BertForMaskedLM\"], \"hidden_size\": 8,"
                + " \"num_hidden_layers\": 2, \"num_attention_heads\": 2, \"intermediate_size\": 16,"
                + " \"vocab_size\": 20, \"max_position_embeddings\": 10, \"type_vocab_size\": 2,"
                + " \"layer_norm_eps\": 1e-05, \"hidden_act\": \"gelu\", \"model_type\": \"bert\","
                + " \"hidden_dropout_prob\": 0.1}");
        BertConfig c = BertConfig.read(tmp);
        assertEquals(BertConfig.of(8, 2, 2, 16, 20, 10, 2, 1e-5), c);
        assertEquals(4, c.headSize());
    }

    @Test
    void badConfigsNameTheKeyAndTheFile() throws Exception {
        Files.writeString(tmp.resolve("config.json"), "{\"hidden_size\": 8, \"num_hidden_layers\": 2}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BertConfig.read(tmp));
        assertTrue(e.getMessage().contains("'num_attention_heads' is missing"), e.getMessage());
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
        Files.writeString(tmp.resolve("config.json"), "{\"hidden_size\": 8, \"num_hidden_layers\": 2,"
                + " \"num_attention_heads\": 2, \"intermediate_size\": 16, \"vocab_size\": 20,"
                + " \"max_position_embeddings\": 10, \"type_vocab_size\": 2, \"hidden_act\": \"relu\"}");
        e = assertThrows(IllegalArgumentException.class, () -> BertConfig.read(tmp));
        assertTrue(e.getMessage().contains("hidden_act 'relu' is not supported"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BertConfig.read(tmp.resolve("nothing")));
        assertTrue(e.getMessage().contains("cannot read a BERT config"), e.getMessage());
    }
}
