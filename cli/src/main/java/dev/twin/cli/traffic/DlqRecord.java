package dev.twin.cli.traffic;

/** A record of the dead-letter topic: the original key, and the stage and reason the stack gave. */
public record DlqRecord(String key, String stage, String error) {
}
