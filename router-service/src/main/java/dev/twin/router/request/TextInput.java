package dev.twin.router.request;

/**
 * Turns one UTF-8 text into the model's input row, for bundles whose architecture reads text ("bert": token ids then
 * attention mask as floats). Tokenization happens once, here at the router: routed batches carry the row, so
 * executors never tokenize.
 */
@FunctionalInterface
public interface TextInput {
    float[] encode(String text);
}
