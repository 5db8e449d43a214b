package dev.twin.core.suite.text;

import dev.twin.core.bert.BertCheckpoint;
import dev.twin.core.bert.BertConfig;
import dev.twin.core.bert.BertTokenizer;
import dev.twin.core.bert.MiniLm;
import dev.twin.core.bert.TokenBatch;
import dev.twin.core.model.ArchitectureSpec;
import dev.twin.core.suite.Recipe;
import dev.twin.core.suite.Split;
import dev.twin.core.suite.SuiteModels;
import dev.twin.core.suite.TaskData;
import dev.twin.core.suite.TaskSuite;
import dev.twin.core.train.AdamWConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * text-6: the six tasks of {@link Text6Corpora} over all-MiniLM-L6-v2 ("bert", imported by {@link MiniLm}), texts
 * tokenized to L = {@value #MAX_LENGTH} tokens ([2L] float rows: ids then mask). Two suites share the data and differ
 * in their experts: {@value #NAME} (full fine-tunes) and {@value #LORA_NAME} (PEFT LoRA adapters, written to disk and
 * read back as base + ΔW). The base is the pretrained encoder, never trained here.
 *
 * <p>Sizes, chosen for a 2-core CPU (see README): experts train on the first {@value #TRAIN_ITEMS} training items of
 * each task; the test split is cut to its first {@value #TEST_ITEMS} items (the splits are already shuffled; man-section
 * has fewer); per-request Twin-Merging runs through the factored experts, so no test input costs a materialization;
 * validation keeps up to 1000 items (router training) of which {@link #selectionItems()} per task pick λ of the static
 * merges.
 */
public final class Text6Suite implements TaskSuite {
    public static final String NAME = "text-6";
    public static final String LORA_NAME = "text-6-lora";
    /** Tokens per text: truncates under 1% of WordNet and man-page texts, about a quarter of the fortunes. */
    public static final int MAX_LENGTH = 48;
    public static final int TRAIN_ITEMS = 1500;
    public static final int TEST_ITEMS = 500;
    public static final int SELECTION_ITEMS = 100;

    /** Which experts the suite trains. */
    public enum Experts {
        FULL(NAME), LORA(LORA_NAME);

        private final String suiteName;

        Experts(String suiteName) {
            this.suiteName = suiteName;
        }

        public String suiteName() {
            return suiteName;
        }
    }

    private final Experts experts;
    private final BertConfig config;
    private final Path baseDir;
    private final int length;
    private final List<TaskData> tasks;
    private final List<TextTaskData> texts;
    private final String dataVersion;
    private final Path tokenizerJson;

    private Text6Suite(Experts experts, BertConfig config, Path baseDir, int length, List<TaskData> tasks,
                       List<TextTaskData> texts, String dataVersion, Path tokenizerJson) {
        this.tokenizerJson = tokenizerJson;
        this.experts = experts;
        this.config = config;
        this.baseDir = baseDir;
        this.length = length;
        this.tasks = List.copyOf(tasks);
        this.texts = List.copyOf(texts);
        this.dataVersion = dataVersion;
    }

    /** The suite over the Debian packages' texts (installed or found by {@code source}) and the imported MiniLM. */
    public static Text6Suite load(Experts experts, PackageSource source, PrintStream log) {
        return load(experts, source, TRAIN_ITEMS, log);
    }

    /** Same with experts trained on the first trainItems training items of each task (e.g. to probe a recipe). */
    public static Text6Suite load(Experts experts, PackageSource source, int trainItems, PrintStream log) {
        if (trainItems < 1) {
            throw new IllegalArgumentException("training items per task must be >= 1, got " + trainItems);
        }
        List<TextTaskData> raw = Text6Corpora.load(source, log);
        Path dir = MiniLm.dir();
        return of(experts, raw, dir, dir.resolve(MiniLm.TOKENIZER_FILE), MAX_LENGTH, trainItems, TEST_ITEMS,
                Text6Corpora.dataVersion(), log);
    }

    /**
     * The suite over given texts: each task's train split cut to trainItems, test to testItems, every text
     * tokenized to {@code length} tokens with {@code tokenizerJson}; the base model is the HF directory baseDir.
     */
    public static Text6Suite of(Experts experts, List<TextTaskData> raw, Path baseDir, Path tokenizerJson, int length,
                                int trainItems, int testItems, String corporaVersion, PrintStream log) {
        List<TaskData> tasks = new ArrayList<>();
        List<TextTaskData> kept = new ArrayList<>();
        try (BertTokenizer tok = BertTokenizer.open(tokenizerJson, length);
             BertTokenizer longer = BertTokenizer.open(tokenizerJson, length + 1)) {
            for (TextTaskData t : raw) {
                List<TextItem> train = t.train().subList(0, Math.min(trainItems, t.train().size()));
                List<TextItem> test = t.test().subList(0, Math.min(testItems, t.test().size()));
                TextTaskData cut = new TextTaskData(t.name(), t.classes(), train, t.validation(), test);
                kept.add(cut);
                tasks.add(new TaskData(t.name(), t.classCount(), split(tok, train), split(tok, t.validation()),
                        split(tok, test)));
                log.printf("  %s: %d/%d/%d items tokenized to %d tokens, %.1f%% of training texts truncated%n",
                        t.name(), train.size(), t.validation().size(), test.size(), length,
                        100 * truncatedFraction(longer, train, length));
            }
        }
        String version = corporaVersion + "; L=" + length + ", train<=" + trainItems + ", test<=" + testItems
                + ", tokenizer " + tokenizerJson.getFileName();
        return new Text6Suite(experts, BertCheckpoint.config(baseDir), baseDir, length, tasks, kept, version,
                tokenizerJson);
    }

    /** [n, 2L] rows: the L token ids, then the L mask values. */
    static Split split(BertTokenizer tok, List<TextItem> items) {
        int n = items.size();
        int dim = 2 * tok.maxLength();
        float[] x = new float[n * dim];
        int[] y = new int[n];
        if (n > 0) {
            TokenBatch b = tok.encode(items.stream().map(TextItem::text).toList());
            for (int i = 0; i < n; i++) {
                System.arraycopy(b.row(i), 0, x, i * dim, dim);
                y[i] = items.get(i).label();
            }
        }
        return new Split(x, y, n, dim);
    }

    // a text is truncated at L when it still has L + 1 tokens at length L + 1
    private static double truncatedFraction(BertTokenizer longer, List<TextItem> items, int length) {
        if (items.isEmpty()) {
            return 0;
        }
        TokenBatch b = longer.encode(items.stream().map(TextItem::text).toList());
        int cut = 0;
        for (int i = 0; i < b.size(); i++) {
            if (b.tokens(i) > length) {
                cut++;
            }
        }
        return (double) cut / b.size();
    }

    public Experts experts() {
        return experts;
    }

    /** The Hugging Face directory of the pretrained base (MiniLM). */
    public Path baseDir() {
        return baseDir;
    }

    /** Sequence length L. */
    public int maxLength() {
        return length;
    }

    /** The texts behind {@link #tasks()} (same cuts, same order). */
    public List<TextTaskData> texts() {
        return texts;
    }

    /** The tokenizer of the rows: its bundle carries it, so that a server tokenizes requests the same way. */
    @Override
    public Optional<Path> tokenizer() {
        return Optional.of(tokenizerJson);
    }

    @Override
    public String name() {
        return experts.suiteName();
    }

    @Override
    public ArchitectureSpec architecture() {
        return config.toSpec(length);
    }

    @Override
    public List<TaskData> tasks() {
        return tasks;
    }

    @Override
    public String dataVersion() {
        return dataVersion;
    }

    /** Experts are not trained by an SGD {@link Recipe} but from the pretrained encoder: see {@link #textRecipe()}. */
    @Override
    public Recipe recipe() {
        throw new UnsupportedOperationException("suite " + name() + " fine-tunes a pretrained encoder; its recipe is "
                + "textRecipe()");
    }

    /**
     * Ordinary fine-tuning: a fresh head trained with the encoder from the first step, AdamW weight decay 0.01, batch
     * 32, 10% warm-up then linear decay; full fine-tunes lr 1e-4 for 3 epochs with the word embeddings frozen (measured
     * on validation with {@code twin recipe}; 3e-4 diverged on fortune-topic: README); LoRA r 8, α 16 on
     * query/key/value and the three dense projections, lr 1e-3 for 3 epochs.
     */
    public TextRecipe textRecipe() {
        return new TextRecipe(new AdamWConfig(1e-4, 0.01, 32, 3, 0.1, 1), true,
                new AdamWConfig(1e-3, 0.01, 32, 3, 0.1, 1), 8, 16, List.of("query", "key", "value", "dense"));
    }

    @Override
    public String trainingVersion() {
        return experts + " " + textRecipe();
    }

    @Override
    public SuiteModels train(Path cacheDir, boolean progress, PrintStream log) {
        return TextExpertTrainer.train(this, cacheDir, progress, log);
    }

    /** Few validation items per task pick λ: each candidate merge runs the 22M-parameter encoder. */
    @Override
    public int selectionItems() {
        return SELECTION_ITEMS;
    }

    /** SVD rank of the exclusive experts. */
    @Override
    public int twinRank() {
        return 16;
    }
}
