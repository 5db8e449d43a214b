package dev.twin.core.suite;

import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import dev.twin.core.tensor.WeightSet;
import dev.twin.core.train.SgdTrainer;
import dev.twin.core.train.TrainConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trains a suite's models by its recipe: the base (fresh trunk + head) on the base task, then for every task an
 * expert that starts from the base trunk with a fresh head (seeded per task) and fine-tunes all of it.
 */
public final class SuiteTrainer {
    private SuiteTrainer() {
    }

    /** Trains with progress bars on stderr. */
    public static SuiteModels train(TaskSuite suite) {
        return train(suite, true);
    }

    public static SuiteModels train(TaskSuite suite, boolean progress) {
        Architecture arch = Architectures.create(suite.architecture());
        Recipe recipe = suite.recipe();
        TaskData baseTask = suite.task(recipe.baseTask());

        TrainConfig bc = recipe.base();
        WeightSet base = arch.initTrunk(bc.seed());
        arch.initHead(baseTask.name(), baseTask.classes(), Seeds.forTask(bc.seed(), baseTask.name()))
                .asMap().forEach(base::put);
        base = new SgdTrainer(bc, progress).label("base " + baseTask.name())
                .train(arch, base, n -> true, baseTask.name(), baseTask.train());
        WeightSet baseTrunk = base.filter(n -> n.startsWith("trunk."));

        Map<String, WeightSet> experts = new LinkedHashMap<>();
        for (TaskData t : suite.tasks()) {
            long seed = Seeds.forTask(recipe.expert().seed(), t.name());
            WeightSet w = baseTrunk.copy();
            arch.initHead(t.name(), t.classes(), seed).asMap().forEach(w::put);
            w = new SgdTrainer(recipe.expert().withSeed(seed), progress).label("expert " + t.name())
                    .train(arch, w, n -> true, t.name(), t.train());
            experts.put(t.name(), w);
        }
        return new SuiteModels(base, Collections.unmodifiableMap(experts));
    }
}
