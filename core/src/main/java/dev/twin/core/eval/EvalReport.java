package dev.twin.core.eval;

import java.util.List;
import java.util.Map;

/** The evaluation of one suite: rows by method (DESIGN.md's method names), router accuracy and size. */
public record EvalReport(String suite, List<String> tasks, double routerAccuracy, long routerBytes,
                         Map<String, MethodResult> methods, double storageRatio, double seconds) {

    /** Method rows in the order of TWIN-MERGING.md's evaluation protocol. */
    public static final List<String> METHOD_ORDER = List.of("pretrained", "fine-tuned", "average",
            "task-arithmetic", "ties", "dare-ta", "twin", "exact", "twin-group", "twin-lattice", "top1");
}
