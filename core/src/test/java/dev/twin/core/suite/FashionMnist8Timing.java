package dev.twin.core.suite;

import dev.twin.core.model.Architecture;
import dev.twin.core.model.Architectures;
import dev.twin.core.tensor.FloatTensor;
import dev.twin.core.tensor.WeightSet;
import dev.twin.core.train.Evaluation;
import java.util.List;

/**
 * Manual measurement, not part of the test suite: trains fashion-mnist-8 by its recipe (base + 8 experts), prints
 * the time and each expert's test accuracy, plus the base trunk with each head and a plain average merge.
 * Run: java -cp core/target/classes:core/target/test-classes:$(cat cp.txt) dev.twin.core.suite.FashionMnist8Timing
 */
public final class FashionMnist8Timing {
    private FashionMnist8Timing() {
    }

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        TaskSuite suite = Suites.byName("fashion-mnist-8", DataLocator.standard());
        long t1 = System.nanoTime();
        SuiteModels models = SuiteTrainer.train(suite);
        long t2 = System.nanoTime();
        System.out.printf("load %.1f s, train base + %d experts %.1f s%n", (t1 - t0) / 1e9,
                models.experts().size(), (t2 - t1) / 1e9);
        Architecture arch = Architectures.create(suite.architecture());
        List<String> names = suite.taskNames();
        WeightSet avg = new WeightSet();
        for (String n : models.base().filter(s -> s.startsWith("trunk.")).names()) {
            float[] sum = new float[models.base().get(n).numel()];
            for (String t : names) {
                float[] d = models.expert(t).get(n).data();
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += d[i] / names.size();
                }
            }
            avg.put(n, new FloatTensor(models.base().get(n).shape().clone(), sum));
        }
        WeightSet baseTrunk = models.base().filter(s -> s.startsWith("trunk."));
        double sumExp = 0;
        double sumAvg = 0;
        for (String t : names) {
            TaskData d = suite.task(t);
            WeightSet head = models.expert(t).filter(s -> s.startsWith("head."));
            double exp = Evaluation.accuracy(arch, models.expert(t), t, d.test());
            WeightSet pre = baseTrunk.copy();
            head.asMap().forEach(pre::put);
            WeightSet merged = avg.copy();
            head.asMap().forEach(merged::put);
            double base = Evaluation.accuracy(arch, pre, t, d.test());
            double av = Evaluation.accuracy(arch, merged, t, d.test());
            sumExp += exp;
            sumAvg += av;
            System.out.printf("%-8s expert %.4f  base-trunk+head %.4f  average-merge %.4f%n", t, exp, base, av);
        }
        System.out.printf("mean     expert %.4f  average-merge %.4f (normalized %.1f)%n", sumExp / names.size(),
                sumAvg / names.size(), 100 * sumAvg / sumExp);
        System.out.printf("total %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
}
