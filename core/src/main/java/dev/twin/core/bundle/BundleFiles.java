package dev.twin.core.bundle;

/** File names inside a bundle directory. */
public final class BundleFiles {
    static final String MANIFEST = "manifest.json";
    static final String SHARED = "shared.safetensors";
    static final String ROUTER = "router.onnx";
    /** A text model's tokenizer (Hugging Face tokenizer.json): servers tokenize requests with it. */
    public static final String TOKENIZER = "tokenizer.json";

    private BundleFiles() {
    }

    static String expert(String task) {
        return "experts/" + task + ".safetensors";
    }

    static String head(String task) {
        return "heads/" + task + ".safetensors";
    }
}
