package dev.twin.executor.execute;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes a block of little-endian float32 rows once, into the direct native-order buffer the engine reads without a
 * further copy, optionally in another row order (rows grouped by task).
 */
final class RowBlock {
    private static final boolean NATIVE_LE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private RowBlock() {
    }

    /** Rows order[0], order[1], … of block (rows of width floats each) in a fresh direct buffer. */
    static ByteBuffer direct(ByteBuffer block, int[] order, int width) {
        int rowBytes = width * Float.BYTES;
        ByteBuffer out = ByteBuffer.allocateDirect(order.length * rowBytes).order(ByteOrder.nativeOrder());
        ByteBuffer src = block.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = src.position();
        if (NATIVE_LE && isIdentity(order)) {
            out.put(src); // one bulk copy: the common case of a batch already grouped by task
        } else {
            for (int r : order) {
                int from = base + r * rowBytes;
                if (NATIVE_LE) {
                    out.put(src.limit(from + rowBytes).position(from));
                } else {
                    for (int j = 0; j < width; j++) {
                        out.putFloat(src.getFloat(from + j * Float.BYTES));
                    }
                }
            }
        }
        return out.flip();
    }

    private static boolean isIdentity(int[] order) {
        for (int i = 0; i < order.length; i++) {
            if (order[i] != i) {
                return false;
            }
        }
        return true;
    }
}
