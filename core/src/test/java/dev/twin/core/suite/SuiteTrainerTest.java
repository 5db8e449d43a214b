package dev.twin.core.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import dev.twin.core.train.Evaluation;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The synthetic suite end to end: base + experts, with the properties merging experiments rely on. */
class SuiteTrainerTest {
    private static SyntheticSuite suite;
    private static SuiteModels models;
    private static Architecture arch;

    @BeforeAll
    static void trainOnce() {
        suite = new SyntheticSuite();
        long t0 = System.nanoTime();
        models = SuiteTrainer.train(suite, false);
        System.out.printf("synthetic suite trained in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        arch = Architectures.create(suite.architecture());
    }

    @Test
    void expertsHoldTheirTrunkAndOnlyTheirHead() {
        assertEquals(suite.taskNames(), List.copyOf(models.experts().keySet()));
        for (String t : suite.taskNames()) {
            WeightSet e = models.expert(t);
            assertEquals(List.of("trunk.0.weight", "trunk.0.bias", "trunk.1.weight", "trunk.1.bias",
                    "head." + t + ".weight", "head." + t + ".bias"), List.copyOf(e.names()));
        }
        String b = suite.recipe().baseTask();
        assertTrue(models.base().contains("head." + b + ".weight") && models.base().size() == 6);
    }

    @Test
    void everyExpertClearlyBeatsTheBaseOnItsTask() {
        WeightSet baseTrunk = models.base().filter(n -> n.startsWith("trunk."));
        String baseTask = suite.recipe().baseTask();
        StringBuilder report = new StringBuilder();
        for (TaskData t : suite.tasks()) {
            WeightSet expert = models.expert(t.name());
            double exp = Evaluation.accuracy(arch, expert, t.name(), t.test());
            // "pretrained" row of the evaluation protocol: base trunk with the task's head
            WeightSet pre = baseTrunk.copy();
            expert.filter(n -> n.startsWith("head.")).asMap().forEach(pre::put);
            double base = Evaluation.accuracy(arch, pre, t.name(), t.test());
            report.append(String.format("%s expert %.3f base %.3f%n", t.name(), exp, base));
            assertTrue(exp >= 0.9, report.toString());
            // the base trunk was trained on the base task, so there the gap is only the extra training
            assertTrue(exp >= base + (t.name().equals(baseTask) ? 0.05 : 0.2), report.toString());
        }
        TaskData b = suite.task(baseTask);
        double own = Evaluation.accuracy(arch, models.base(), b.name(), b.test());
        double exp = Evaluation.accuracy(arch, models.expert(b.name()), b.name(), b.test());
        report.append(String.format("base model on its own task %s: %.3f%n", b.name(), own));
        System.out.print(report);
        assertTrue(exp >= own + 0.05, report.toString());
    }

    @Test
    void averagingTheExpertsInterferes() {
        // θ_avg = (1/T) Σ θ_t over the trunk tensors, written out independently of the merge package
        List<String> tasks = suite.taskNames();
        WeightSet avg = new WeightSet();
        for (String name : models.expert(tasks.get(0)).filter(n -> n.startsWith("trunk.")).names()) {
            FloatTensor first = models.expert(tasks.get(0)).get(name);
            float[] sum = new float[first.numel()];
            for (String t : tasks) {
                float[] d = models.expert(t).get(name).data();
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += d[i] / tasks.size();
                }
            }
            avg.put(name, new FloatTensor(first.shape().clone(), sum));
        }
        double expertMean = 0;
        double avgMean = 0;
        for (TaskData t : suite.tasks()) {
            WeightSet merged = avg.copy();
            models.expert(t.name()).filter(n -> n.startsWith("head.")).asMap().forEach(merged::put);
            expertMean += Evaluation.accuracy(arch, models.expert(t.name()), t.name(), t.test()) / tasks.size();
            avgMean += Evaluation.accuracy(arch, merged, t.name(), t.test()) / tasks.size();
        }
        System.out.printf("experts %.3f, average merge %.3f%n", expertMean, avgMean);
        assertTrue(avgMean <= expertMean - 0.1, "experts " + expertMean + " vs average merge " + avgMean);
    }

    @Test
    void trainingIsDeterministicForASeed() {
        SuiteModels again = SuiteTrainer.train(new SyntheticSuite(), false);
        assertEquals(models.base().asMap(), again.base().asMap());
        for (String t : suite.taskNames()) {
            assertEquals(models.expert(t).asMap(), again.expert(t).asMap(), t);
        }
    }
}
