package dev.twin.router.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a fuzz run got, case by case: the answers by kind (for the report) and every undefined answer with the case
 * that caused it (the test fails listing the first ones, each reproducible from the seed and the case number).
 */
final class Outcomes {
    private final String name;
    private final Map<String, Integer> kinds = new TreeMap<>();
    private final List<String> defects = new ArrayList<>();

    Outcomes(String name) {
        this.name = name;
    }

    synchronized void answer(String kind) {
        kinds.merge(kind, 1, Integer::sum);
    }

    synchronized void defect(int caseNo, String what, String input) {
        kinds.merge("DEFECT", 1, Integer::sum);
        defects.add("case " + caseNo + ": " + what + "\n    input: " + abbreviate(input, 600));
    }

    synchronized int count(String kind) {
        return kinds.getOrDefault(kind, 0);
    }

    /** Text a client sees must not carry a stack trace or an exception's class name. */
    static String traceIn(String text) {
        if (text == null) {
            return null;
        }
        for (String mark : new String[] {"at dev.", "at java.", "at io.", "\tat ", "Exception", "Caused by"}) {
            if (text.contains(mark)) {
                return "'" + mark + "'";
            }
        }
        return null;
    }

    static String abbreviate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max) + "… (" + s.length() + " chars)";
    }

    void assertNoDefects() {
        System.out.println("fuzz " + name + ": " + kinds);
        if (!defects.isEmpty()) {
            fail(name + ": " + defects.size() + " case(s) without a defined answer, first ones:\n"
                    + String.join("\n", defects.subList(0, Math.min(8, defects.size()))));
        }
    }
}
