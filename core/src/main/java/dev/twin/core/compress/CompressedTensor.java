package dev.twin.core.compress;

import dev.twin.core.tensor.FloatTensor;

/** One compressed exclusive-knowledge tensor v̂ (TWIN-MERGING.md, stage 1 step 3). */
public sealed interface CompressedTensor permits Dense, LowRank, Sparse {

    /** Shape of the tensor this stands for. */
    int[] shape();

    /** The tensor it stands for, as a fresh dense float32 tensor. */
    FloatTensor toDense();

    /** Bytes of stored payload: 4 per float32 value and 4 per int32 index (shapes not counted). */
    long storedBytes();
}
