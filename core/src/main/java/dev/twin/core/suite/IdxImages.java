package dev.twin.core.suite;

/** Images read from an IDX file: {@code count} images of rows×cols unsigned bytes, row-major, one after another. */
public record IdxImages(int count, int rows, int cols, byte[] pixels) {

    public IdxImages {
        if ((long) count * rows * cols != pixels.length) {
            throw new IllegalArgumentException(count + " images of " + rows + "x" + cols + " need "
                    + (long) count * rows * cols + " bytes, got " + pixels.length);
        }
    }

    /** Pixel j of image i as an unsigned value 0..255. */
    public int pixel(int image, int j) {
        return pixels[image * rows * cols + j] & 0xFF;
    }
}
