package dev.twin.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twin.core.runtime.TwinPaths;
import dev.twin.core.suite.text.DebianPackages;
import dev.twin.core.suite.text.RecipeProbe;
import dev.twin.core.suite.text.Text6Suite;
import dev.twin.core.suite.text.TextRecipe;
import dev.twin.core.train.AdamWConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code twin recipe}: measure a text suite's fine-tuning recipe on validation data, one expert at a time. */
@Command(name = "recipe", mixinStandardHelpOptions = true,
        description = "Train the experts of the named tasks of a text suite (text-6 or text-6-lora) by its recipe "
                + "(or with --epochs/--lr/--train-items changed) and score them on validation data only: the expert "
                + "after each epoch against \"pretrained encoder + its own head\" (a linear probe on the frozen "
                + "encoder's features), with the wall and CPU time per training step. --separability measures "
                + "instead how well the suite's tasks can be told apart by their inputs (what caps the router). "
                + "Writes no cache: nothing here is reused by twin eval.")
final class RecipeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--suite", required = true, paramLabel = "NAME", description = "text-6 | text-6-lora")
    String suite;

    @Option(names = "--task", split = ",", paramLabel = "TASK",
            description = "task(s) whose expert to train and score, e.g. wn-verb,fortune-topic")
    List<String> tasks;

    @Option(names = "--separability", description = "fit \"which task is this input from\" on the pretrained "
            + "encoder's features of N validation inputs per task and score it on N others (recall per task, "
            + "confusion): a lower bound on the router's accuracy")
    boolean separability;

    @Option(names = "--separability-items", paramLabel = "N", defaultValue = "300",
            description = "validation inputs per task to fit and to score the task probe on (default: ${DEFAULT-VALUE})")
    int separabilityItems;

    @Option(names = "--epochs", paramLabel = "N", description = "epochs (default: the suite's recipe)")
    Integer epochs;

    @Option(names = "--lr", paramLabel = "X", description = "peak learning rate (default: the suite's recipe)")
    Double lr;

    @Option(names = "--train-items", paramLabel = "N",
            description = "training items per task (default: " + Text6Suite.TRAIN_ITEMS + ", at most the corpus's)")
    Integer trainItems;

    @Option(names = "--validation-items", paramLabel = "N", defaultValue = "500",
            description = "validation items scored (default: ${DEFAULT-VALUE})")
    int validationItems;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON")
    Path json;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        PrintStream log = new PrintStream(System.err, true);
        Text6Suite.Experts kind = Stream.of(Text6Suite.Experts.values()).filter(e -> e.suiteName().equals(suite))
                .findFirst().orElseThrow(() -> new CommandLine.ParameterException(cl, "twin recipe measures the "
                        + "text suites' recipes: --suite is " + Text6Suite.NAME + " or " + Text6Suite.LORA_NAME
                        + ", got '" + suite + "'"));
        if ((tasks == null || tasks.isEmpty()) && !separability) {
            throw new CommandLine.ParameterException(cl, "give --task TASK[,TASK...] and/or --separability");
        }
        if (separabilityItems < 1) {
            throw new CommandLine.ParameterException(cl, "--separability-items must be >= 1, got "
                    + separabilityItems);
        }
        if (epochs != null && epochs < 1) {
            throw new CommandLine.ParameterException(cl, "--epochs must be >= 1, got " + epochs);
        }
        if (lr != null && !(lr > 0 && Double.isFinite(lr))) {
            throw new CommandLine.ParameterException(cl, "--lr must be positive and finite, got " + lr);
        }
        if (trainItems != null && trainItems < 1) {
            throw new CommandLine.ParameterException(cl, "--train-items must be >= 1, got " + trainItems);
        }
        if (validationItems < 1) {
            throw new CommandLine.ParameterException(cl, "--validation-items must be >= 1, got " + validationItems);
        }
        Text6Suite s = Text6Suite.load(kind, new DebianPackages(log),
                trainItems != null ? trainItems : Text6Suite.TRAIN_ITEMS, log);
        List<String> known = s.tasks().stream().map(t -> t.name()).toList();
        List<String> probed = tasks != null ? tasks : List.of();
        for (String t : probed) {
            if (!known.contains(t)) {
                throw new CommandLine.ParameterException(cl, "unknown task '" + t + "' (tasks of " + suite + ": "
                        + known + ")");
            }
        }
        TextRecipe recipe = s.textRecipe();
        AdamWConfig c = recipe.tune(kind);
        recipe = recipe.withTune(kind, new AdamWConfig(lr != null ? lr : c.lr(), c.weightDecay(), c.batch(),
                epochs != null ? epochs : c.epochs(), c.warmup(), c.seed()));
        log.println("recipe: " + recipe);
        Path scratch = Files.createTempDirectory(TwinPaths.cacheDir().resolve("tmp"), "recipe-");
        ObjectNode out = new ObjectMapper().createObjectNode();
        if (separability) {
            RecipeProbe.Separability sep = RecipeProbe.separability(s, separabilityItems, log);
            cl.getOut().print(separabilityTable(sep));
            out.set("separability", toJson(sep));
        }
        List<RecipeProbe.Result> results = new ArrayList<>();
        try {
            for (String t : probed) {
                results.add(RecipeProbe.run(s, recipe, t, validationItems, scratch, true, log));
            }
        } finally {
            deleteTree(scratch);
        }
        if (!results.isEmpty()) {
            cl.getOut().print(table(results));
            out.setAll(toJson(recipe, kind, results));
        }
        if (json != null) {
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), out);
            cl.getOut().println("json: " + json);
        }
        return 0;
    }

    static String table(List<RecipeProbe.Result> results) {
        StringBuilder sb = new StringBuilder(String.format("%-14s %6s %5s %8s %8s %8s  %-22s %8s %8s%n", "task",
                "train", "steps", "probe%", "θ0+head%", "expert%", "per epoch %", "s/step", "cpu-s/st"));
        for (RecipeProbe.Result r : results) {
            StringBuilder epochs = new StringBuilder();
            for (double a : r.epochAccuracy()) {
                epochs.append(epochs.length() == 0 ? "" : " ").append(String.format("%.1f", 100 * a));
            }
            sb.append(String.format("%-14s %6d %5d %8.1f %8.1f %8.1f  %-22s %8.2f %8.2f%n", r.task(), r.trainItems(),
                    r.steps(), 100 * r.linearProbe(), 100 * r.pretrainedExpertHead(), 100 * r.expertAccuracy(),
                    epochs, r.secondsPerStep(), r.cpuSecondsPerStep()));
        }
        return sb.toString();
    }

    static String separabilityTable(RecipeProbe.Separability sep) {
        StringBuilder sb = new StringBuilder(String.format("task separability (linear probe on θ0 features): %.1f%%%n",
                100 * sep.accuracy()));
        sb.append(String.format("%-14s %6s %6s %8s  %s%n", "task", "fit", "scored", "recall%", "predicted as ("
                + String.join(", ", sep.tasks()) + ")"));
        for (int t = 0; t < sep.tasks().size(); t++) {
            StringBuilder row = new StringBuilder();
            for (int c : sep.confusion()[t]) {
                row.append(row.length() == 0 ? "" : " ").append(c);
            }
            sb.append(String.format("%-14s %6d %6d %8.1f  %s%n", sep.tasks().get(t), sep.fitItems()[t],
                    sep.heldOut()[t], 100 * sep.recall()[t], row));
        }
        return sb.toString();
    }

    private static ObjectNode toJson(RecipeProbe.Separability sep) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode o = om.createObjectNode();
        o.put("accuracy", sep.accuracy());
        ArrayNode rows = o.putArray("tasks");
        for (int t = 0; t < sep.tasks().size(); t++) {
            ObjectNode r = rows.addObject();
            r.put("task", sep.tasks().get(t));
            r.put("fit_items", sep.fitItems()[t]);
            r.put("scored_items", sep.heldOut()[t]);
            r.put("recall", sep.recall()[t]);
            ArrayNode c = r.putArray("predicted_counts");
            for (int n : sep.confusion()[t]) {
                c.add(n);
            }
        }
        return o;
    }

    private static ObjectNode toJson(TextRecipe recipe, Text6Suite.Experts kind, List<RecipeProbe.Result> results) {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.put("experts", kind.suiteName());
        root.put("recipe", recipe.toString());
        ArrayNode rows = root.putArray("tasks");
        for (RecipeProbe.Result r : results) {
            ObjectNode o = rows.addObject();
            o.put("task", r.task());
            o.put("train_items", r.trainItems());
            o.put("validation_items", r.validationItems());
            o.put("steps", r.steps());
            o.put("linear_probe", r.linearProbe());
            o.put("pretrained_expert_head", r.pretrainedExpertHead());
            o.put("expert", r.expertAccuracy());
            ArrayNode ea = o.putArray("epoch_accuracy");
            for (double a : r.epochAccuracy()) {
                ea.add(a);
            }
            ArrayNode el = o.putArray("epoch_loss");
            for (double l : r.epochLoss()) {
                el.add(l);
            }
            o.put("seconds_per_step", r.secondsPerStep());
            o.put("cpu_seconds_per_step", r.cpuSecondsPerStep());
            o.put("train_seconds", r.trainSeconds());
        }
        return root;
    }

    private static void deleteTree(Path dir) throws IOException {
        PathUtils.deleteDirectory(dir);
    }
}
