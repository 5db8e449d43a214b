package dev.twin.core.compress;

import dev.twin.core.tensor.FloatTensor;

/** Keeps every tensor dense (ignores rank and density). The stored tensor is {@code v} itself, not a copy. */
public final class NoCompression implements Compressor {

    @Override
    public String name() {
        return "none";
    }

    @Override
    public CompressedTensor compress(FloatTensor v, CompressOptions o) {
        return new Dense(v);
    }
}
