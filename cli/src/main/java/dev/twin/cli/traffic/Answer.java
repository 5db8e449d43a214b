package dev.twin.cli.traffic;

/** What came back for one request: the predicted class, the head used, the cluster that served it, and when. */
public record Answer(String id, int predicted, String task, String clusterKey, long receivedNanos) {
}
