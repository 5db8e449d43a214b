package dev.twin.router.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelSignatureTest {
    private static List<String> describe(List<ModelSignature.Tensor> tensors) {
        return tensors.stream().map(t -> t.name() + " " + t.datatype() + " " + t.shape()).toList();
    }

    @Test
    void anImageBundleTakesFp32RowsInAnyBatchAndGivesLogitsAndClasses() {
        ModelSignature s = ModelSignature.of(List.of(28, 28), false);
        assertEquals(List.of("input FP32 [-1, 28, 28]"), describe(s.inputs()));
        assertEquals(List.of("logits FP32 [-1, -1]", "predicted INT64 [-1]"), describe(s.outputs()));
    }

    @Test
    void aTextBundleAlsoListsItsBytesInput() {
        // a bert input row is [2, L]: token ids then the attention mask
        ModelSignature s = ModelSignature.of(List.of(2, 64), true);
        assertEquals(List.of("text BYTES [1]", "input FP32 [-1, 2, 64]"), describe(s.inputs()));
        assertEquals(List.of("logits FP32 [-1, -1]", "predicted INT64 [-1]"), describe(s.outputs()));
    }
}
