/**
 * Chaos runs: mixed Kafka and gRPC traffic streamed into a running stack while its broker and services are killed
 * (SIGKILL) and started again, with what was lost, duplicated, refused and how long each fault took to recover.
 * The it-test {@code ChaosTest} runs a short version, {@code twin bench chaos} a longer one with a report.
 */
package dev.twin.cli.chaos;
