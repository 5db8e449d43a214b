package dev.twin.cli.traffic;

import dev.twin.core.suite.Split;
import dev.twin.core.suite.TaskData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A shuffled mix of test inputs from every task of a suite, alternating between Kafka and gRPC so that each channel
 * carries half of the traffic. Deterministic for a seed, so that strategies compare on the same traffic.
 */
public final class TrafficPlan {
    private TrafficPlan() {
    }

    /** Up to {@code perTask} test items of each task (fewer when a task has fewer), shuffled with {@code seed}. */
    public static List<TrafficItem> of(List<TaskData> tasks, int perTask, long seed, String idPrefix) {
        if (perTask < 1) {
            throw new IllegalArgumentException("requests per task must be positive, got " + perTask);
        }
        List<int[]> refs = new ArrayList<>(); // {task index, test row}
        for (int t = 0; t < tasks.size(); t++) {
            int n = Math.min(perTask, tasks.get(t).test().n());
            for (int i = 0; i < n; i++) {
                refs.add(new int[]{t, i});
            }
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = refs.size() - 1; i > 0; i--) { // Fisher–Yates
            int j = rng.nextInt(i + 1);
            int[] tmp = refs.get(i);
            refs.set(i, refs.get(j));
            refs.set(j, tmp);
        }
        List<TrafficItem> items = new ArrayList<>(refs.size());
        for (int k = 0; k < refs.size(); k++) {
            TaskData task = tasks.get(refs.get(k)[0]);
            int row = refs.get(k)[1];
            Split test = task.test();
            float[] x = Arrays.copyOfRange(test.x(), row * test.dim(), (row + 1) * test.dim());
            items.add(new TrafficItem(idPrefix + "-" + task.name() + "-" + row, task.name(), test.y()[row], x,
                    k % 2 == 0 ? Channel.KAFKA : Channel.GRPC));
        }
        return items;
    }
}
