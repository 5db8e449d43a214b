package dev.twin.core.runtime;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The one way the engine shows progress: a bar on stderr (stdout stays for results), updated once a second. */
public final class Progress {
    static final int LOG_WIDTH = 120;
    private Progress() {
    }

    /** A bar named {@code name} counting {@code max} steps of {@code unit} (e.g. " batches", or "" for items). */
    public static ProgressBar bar(String name, long max, String unit) {
        return new ProgressBarBuilder()
                .setTaskName(name)
                .setInitialMax(max)
                .setUnit(unit, 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(1000)
                // without a terminal (a log file, CI) the library's default width cut the trailing message (an
                // epoch's loss) for long task names: 120 columns there; a terminal keeps its own width
                .setConsumer(System.console() != null ? new ConsoleProgressBarConsumer(System.err)
                        : new ConsoleProgressBarConsumer(System.err, LOG_WIDTH))
                .build();
    }
}
