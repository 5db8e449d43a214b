package dev.twin.core.eval;

import dev.twin.core.suite.TaskData;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Every test item of every task as one shuffled stream (the mixed traffic nobody labels), with each item's router
 * merge weights.
 */
record TestStream(int[] task, int[] row, float[][] weights) {

    static TestStream shuffled(List<TaskData> tasks, float[][][] weightsByTask, long seed) {
        int total = 0;
        for (TaskData t : tasks) {
            total += t.test().n();
        }
        int[] task = new int[total];
        int[] row = new int[total];
        int k = 0;
        for (int t = 0; t < tasks.size(); t++) {
            for (int i = 0; i < tasks.get(t).test().n(); i++) {
                task[k] = t;
                row[k++] = i;
            }
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = total - 1; i > 0; i--) { // Fisher–Yates
            int j = rnd.nextInt(i + 1);
            int a = task[i];
            task[i] = task[j];
            task[j] = a;
            int b = row[i];
            row[i] = row[j];
            row[j] = b;
        }
        float[][] w = new float[total][];
        for (int i = 0; i < total; i++) {
            w[i] = weightsByTask[task[i]][row[i]];
        }
        return new TestStream(task, row, w);
    }

    int size() {
        return task.length;
    }
}
