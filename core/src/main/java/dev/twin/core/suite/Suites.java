package dev.twin.core.suite;

import dev.twin.core.suite.text.DebianPackages;
import dev.twin.core.suite.text.Text6Suite;
import java.io.PrintStream;
import java.util.List;

/** The registry of task suites by name. */
public final class Suites {
    public static final List<String> NAMES = List.of(SyntheticSuite.NAME, FashionMnist8Suite.NAME, Text6Suite.NAME,
            Text6Suite.LORA_NAME);

    private Suites() {
    }

    /**
     * The suite called name. fashion-mnist-8 needs its files (see {@link DataLocator}); when they are missing this
     * fails with the directories searched and the command that gets them (installing or falling back is the
     * caller's decision).
     */
    public static TaskSuite byName(String name, DataLocator locator) {
        return byName(name, locator, System.err);
    }

    /** Same, logging what the text suites load (packages, tokenization) on {@code log}. */
    public static TaskSuite byName(String name, DataLocator locator, PrintStream log) {
        for (Text6Suite.Experts e : Text6Suite.Experts.values()) {
            if (e.suiteName().equals(name)) {
                return Text6Suite.load(e, new DebianPackages(log), log);
            }
        }
        if (SyntheticSuite.NAME.equals(name)) {
            return new SyntheticSuite();
        }
        if (FashionMnist8Suite.NAME.equals(name)) {
            return locator.findFashionMnist()
                    .map(FashionMnist8Suite::load)
                    .orElseThrow(() -> new IllegalStateException("suite " + name + " needs the Fashion-MNIST files "
                            + DataLocator.FILES + ", not found in " + locator.searchDirs() + "; get them with: "
                            + DataLocator.installCommand()));
        }
        throw new IllegalArgumentException("unknown suite '" + name + "' (known: " + NAMES + ")");
    }

    /**
     * What the CLI runs for a suite name (DESIGN.md): fashion-mnist-8 when its files are found; else, when apt-get can
     * run as root, the Debian package is installed (said on {@code log}); else synthetic, with a clear message and
     * the one command that gets the real data.
     */
    public static TaskSuite resolve(String name, DataLocator locator, PrintStream log) {
        if (FashionMnist8Suite.NAME.equals(name) && locator.findOrInstall(log).isEmpty()) {
            log.println("Fashion-MNIST files not found in " + locator.searchDirs() + ": falling back to suite '"
                    + SyntheticSuite.NAME + "'. Get the real data with: " + DataLocator.installCommand());
            return new SyntheticSuite();
        }
        return byName(name, locator, log);
    }
}
