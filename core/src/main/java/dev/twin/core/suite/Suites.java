package dev.twin.core.suite;

import java.util.List;

/** The registry of task suites by name. */
public final class Suites {
    public static final List<String> NAMES = List.of(SyntheticSuite.NAME, FashionMnist8Suite.NAME);

    private Suites() {
    }

    /**
     * The suite called name. fashion-mnist-8 needs its files (see {@link DataLocator}); when they are missing this
     * fails with the directories searched and the command that gets them (installing or falling back is the
     * caller's decision).
     */
    public static TaskSuite byName(String name, DataLocator locator) {
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
}
