package dev.twin.cli.traffic;

/** One request of a traffic plan: its id, the task whose head answers it, the true label, the input and channel. */
public record TrafficItem(String id, String task, int label, float[] input, Channel channel) {
}
