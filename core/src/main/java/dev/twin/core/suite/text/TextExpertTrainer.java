package dev.twin.core.suite.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.twin.core.bert.BertCheckpoint;
import dev.twin.core.hf.ExpertSources;
import dev.twin.core.hf.LoraAdapter;
import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import dev.twin.core.model.Params;
import dev.twin.core.runtime.DjlRuntime;
import dev.twin.core.suite.Seeds;
import dev.twin.core.suite.SuiteModels;
import dev.twin.core.suite.TaskData;
import dev.twin.core.tensor.DType;
import dev.twin.core.tensor.SafetensorsWriter;
import dev.twin.core.tensor.TensorSource;
import dev.twin.core.tensor.WeightSet;
import dev.twin.core.train.FineTuner;
import dev.twin.core.train.LoraParams;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Trains the experts of a {@link Text6Suite} from its pretrained encoder by the suite's {@link TextRecipe}: per task a
 * fresh head and a full fine-tune or a LoRA adapter, trained together from the first step. LoRA adapters are written as PEFT directories under
 * {@code <cache>/adapters/<task>} (with the head beside them in {@value #HEAD_FILE}) and the expert is read back
 * from that directory over the base checkpoint ({@link ExpertSources}), so what is merged is exactly what is on disk.
 */
public final class TextExpertTrainer {
    public static final String ADAPTERS = "adapters";
    public static final String HEAD_FILE = "head.safetensors";

    private TextExpertTrainer() {
    }

    public static SuiteModels train(Text6Suite suite, Path cacheDir, boolean progress, PrintStream log) {
        Architecture arch = Architectures.create(suite.architecture());
        TextRecipe recipe = suite.textRecipe();
        WeightSet base = BertCheckpoint.trunk(suite.baseDir());
        Map<String, WeightSet> experts = new LinkedHashMap<>();
        for (TaskData t : suite.tasks()) {
            long t0 = System.nanoTime();
            WeightSet head = freshHead(arch, t, recipe);
            WeightSet expert = switch (suite.experts()) {
                case FULL -> fullFineTune(arch, base, head, t, recipe, progress, null);
                case LORA -> lora(arch, base, head, t, recipe, suite.baseDir(), cacheDir, progress, null);
            };
            experts.put(t.name(), expert);
            log.printf("expert %s (%s) trained in %.0f s%n", t.name(), suite.experts(), (System.nanoTime() - t0) / 1e9);
        }
        return new SuiteModels(base, Collections.unmodifiableMap(experts));
    }

    /** Task t's new head, initialized as the architecture does (seeded per task). */
    static WeightSet freshHead(Architecture arch, TaskData t, TextRecipe recipe) {
        return arch.initHead(t.name(), t.classes(), Seeds.forTask(recipe.fineTune().seed(), t.name()));
    }

    /** Task t's full fine-tune from base with head; {@code epochs} (may be null) sees the model after each epoch. */
    static WeightSet fullFineTune(Architecture arch, WeightSet base, WeightSet head, TaskData t, TextRecipe recipe,
                                  boolean progress, FineTuner.EpochListener epochs) {
        WeightSet start = base.copy();
        head.asMap().forEach(start::put);
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> params = Params.toNd(m, start);
            Map<String, NDArray> trainable = new LinkedHashMap<>(params);
            if (recipe.freezeWordEmbeddings()) {
                trainable.remove(TextRecipe.WORD_EMBEDDINGS);
            }
            new FineTuner(recipe.fineTune().withSeed(Seeds.forTask(recipe.fineTune().seed(), t.name())), progress)
                    .label("full " + t.name()).afterEpoch(epochs)
                    .train(arch, params, trainable, UnaryOperator.identity(), t.name(), t.train());
            return Params.fromNd(params);
        }
    }

    /** Task t's LoRA expert, written under cacheDir and read back; {@code epochs} (may be null) as for full. */
    static WeightSet lora(Architecture arch, WeightSet base, WeightSet head, TaskData t, TextRecipe recipe,
                          Path baseDir, Path cacheDir, boolean progress, FineTuner.EpochListener epochs) {
        long seed = Seeds.forTask(recipe.loraTune().seed(), t.name());
        LoraParams lora = LoraParams.of(recipe.loraConfig(baseDir.getFileName().toString()), arch.trunkShapes());
        WeightSet start = base.copy();
        head.asMap().forEach(start::put);
        lora.init(arch.trunkShapes(), seed).asMap().forEach(start::put);
        LoraAdapter adapter;
        WeightSet trainedHead;
        try (NDManager m = DjlRuntime.newManager()) {
            Map<String, NDArray> params = Params.toNd(m, start);
            Map<String, NDArray> trainable = new LinkedHashMap<>();
            params.forEach((n, a) -> {
                if (n.startsWith(LoraParams.PREFIX) || n.matches(Architecture.HEAD_REGEX)) {
                    trainable.put(n, a);
                }
            });
            new FineTuner(recipe.loraTune().withSeed(seed), progress).label("lora " + t.name())
                    .afterEpoch(epochs).train(arch, params, trainable, lora::view, t.name(), t.train());
            adapter = lora.adapter(params);
            Map<String, NDArray> headNd = new LinkedHashMap<>();
            params.forEach((n, a) -> {
                if (n.matches(Architecture.HEAD_REGEX)) {
                    headNd.put(n, a);
                }
            });
            trainedHead = Params.fromNd(headNd);
        }
        Path dir = cacheDir.resolve(ADAPTERS).resolve(t.name());
        adapter.write(dir);
        SafetensorsWriter.write(dir.resolve(HEAD_FILE), trainedHead, DType.F32);
        return readExpert(baseDir, dir);
    }

    /** An expert from a PEFT adapter directory over the base HF directory: trunk = base + ΔW, plus the saved head. */
    public static WeightSet readExpert(Path baseDir, Path adapterDir) {
        WeightSet expert;
        try (TensorSource src = ExpertSources.open(baseDir, adapterDir)) {
            WeightSet hf = new WeightSet();
            WeightSet layout = BertCheckpoint.weights(baseDir); // the encoder's names, pooler and extras left out
            for (String name : layout.names()) {
                hf.put(name, src.load(name));
            }
            expert = BertCheckpoint.toTrunk(hf);
        }
        try (TensorSource h = dev.twin.core.tensor.SafetensorsFile.open(adapterDir.resolve(HEAD_FILE))) {
            h.loadAll().asMap().forEach(expert::put);
        }
        return expert;
    }

}
