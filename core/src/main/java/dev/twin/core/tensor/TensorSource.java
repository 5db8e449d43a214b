package dev.twin.core.tensor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Read access to the named tensors of a checkpoint (one safetensors file or a sharded directory). Tensors are read
 * on demand, so a source can be far larger than memory; every problem is reported as a {@link CheckpointException}.
 */
public interface TensorSource extends AutoCloseable {

    /** The file or directory this source reads. */
    Path path();

    /** Tensor names in file order (header order for one file, weight-map order for a sharded checkpoint). */
    List<String> names();

    /** Header entry of a tensor; {@link CheckpointException} when there is no such tensor. */
    TensorInfo info(String name);

    /** The tensor's values widened to float32, whatever its stored dtype. */
    FloatTensor load(String name);

    /** The values of an integer or boolean tensor (I32, I64, I8, U8, BOOL) as ints; I64 values must fit an int. */
    int[] loadInts(String name);

    /** The free-form string metadata ("__metadata__" of a file, "metadata" of a sharded index); may be empty. */
    Map<String, String> metadata();

    /** Every tensor, loaded as float32, in {@link #names()} order. */
    default WeightSet loadAll() {
        WeightSet ws = new WeightSet();
        for (String name : names()) {
            ws.put(name, load(name));
        }
        return ws;
    }

    /** Releases open files; loaded tensors stay valid (they are copies). */
    @Override
    void close();
}
