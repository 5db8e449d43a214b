/**
 * {@code twin bench e2e}: the stack under each grouping strategy, closed loop and open loop, beside the ceilings of
 * its parts measured in the same run (a bare Kafka relay, the engine's in-process forward pass), with optional JFR
 * profiles of the services. Speed is measured here and in the JMH module, never in unit tests.
 */
package dev.twin.cli.bench;
