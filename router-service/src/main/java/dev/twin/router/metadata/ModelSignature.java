package dev.twin.router.metadata;

import dev.twin.router.route.LoadedRouter;
import java.util.ArrayList;
import java.util.List;

/**
 * The served model's tensors as OIP model metadata lists them (REST and gRPC alike). Inputs: one FP32 tensor of
 * input rows, [-1, inputShape...] (a request may carry a batch of N rows); a text bundle also takes one UTF-8 text
 * as a BYTES tensor [1] instead (a request gives exactly one input). Outputs: {@code logits} FP32 [-1, -1] (rows ×
 * classes of the row's task head) and {@code predicted} INT64 [-1] (the arg-max class per row).
 */
public record ModelSignature(List<Tensor> inputs, List<Tensor> outputs) {
    public static final String FP32_INPUT = "input";
    public static final String TEXT_INPUT = "text";

    /** One tensor: name, OIP datatype, shape (-1: any size). */
    public record Tensor(String name, String datatype, List<Long> shape) {
    }

    public static ModelSignature of(LoadedRouter router) {
        return of(router.inputShape(), router.text());
    }

    /** The signature of a bundle with this input shape; {@code text}: it reads text (a "bert" bundle). */
    public static ModelSignature of(List<Integer> inputShape, boolean text) {
        List<Long> rows = new ArrayList<>();
        rows.add(-1L);
        inputShape.forEach(d -> rows.add((long) d));
        List<Tensor> inputs = new ArrayList<>();
        if (text) {
            inputs.add(new Tensor(TEXT_INPUT, "BYTES", List.of(1L)));
        }
        inputs.add(new Tensor(FP32_INPUT, "FP32", List.copyOf(rows)));
        return new ModelSignature(List.copyOf(inputs), List.of(
                new Tensor("logits", "FP32", List.of(-1L, -1L)),
                new Tensor("predicted", "INT64", List.of(-1L))));
    }
}
