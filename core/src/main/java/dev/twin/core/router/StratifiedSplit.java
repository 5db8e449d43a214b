package dev.twin.core.router;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Seeded split of item indices into training and held-out parts, task by task: a task with c ≥ 2 items holds out
 * round(fraction·c) of them, clamped to [1, c − 1]; a task with one item keeps it for training.
 */
record StratifiedSplit(int[] train, int[] heldOut) {

    static StratifiedSplit of(int[] labels, int tasks, double fraction, long seed) {
        List<List<Integer>> byTask = new ArrayList<>(tasks);
        for (int t = 0; t < tasks; t++) {
            byTask.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byTask.get(labels[i]).add(i);
        }
        Random rng = new Random(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> held = new ArrayList<>();
        for (List<Integer> items : byTask) {
            Collections.shuffle(items, rng);
            int c = items.size();
            int h = c < 2 ? 0 : (int) Math.max(1, Math.min(c - 1, Math.round(fraction * c)));
            held.addAll(items.subList(0, h));
            train.addAll(items.subList(h, c));
        }
        return new StratifiedSplit(sorted(train), sorted(held));
    }

    private static int[] sorted(List<Integer> xs) {
        int[] out = xs.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(out);
        return out;
    }
}
