package dev.twin.core.tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One safetensors file: [u64 little-endian header length N][N bytes of UTF-8 JSON][data section].
 * <p>
 * The header is read and fully validated by {@link #open} (see {@link SafetensorsHeader} for the layout rules), so
 * every later load reads a range known to lie inside the file. Tensor data is never read at open: {@link #load}
 * memory-maps just that tensor's region (in chunks of at most 1 GiB, so files and tensors over 2 GiB work) and
 * copies it into a new array. Loads may run concurrently.
 * <p>
 * Gaps are not allowed: as the format specifies, the tensors must cover the data section exactly (no holes, no
 * overlaps, no trailing bytes), which also keeps a file from carrying a hidden payload. Tensor names are listed in
 * header order; a BOOL byte other than 0 reads as true.
 */
public final class SafetensorsFile implements TensorSource {
    /**
     * Largest accepted header (the reference implementation's limit). Checked before the header is allocated, so a
     * corrupt length cannot make the reader allocate gigabytes.
     */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Largest Java array (the VM refuses a few slots below Integer.MAX_VALUE). */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final SafetensorsHeader header;
    private final long chunkBytes;
    private volatile boolean closed;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, SafetensorsHeader header, long chunkBytes) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.header = header;
        this.chunkBytes = chunkBytes;
    }

    /** Opens {@code file} and validates its header; tensor data is read only on {@link #load}. */
    public static SafetensorsFile open(Path file) {
        return open(file, RegionDecoder.DEFAULT_CHUNK_BYTES);
    }

    /** As {@link #open(Path)} with a chosen mapping chunk size (tests use tiny chunks to exercise chunking). */
    static SafetensorsFile open(Path file, long chunkBytes) {
        if (Files.isDirectory(file)) {
            throw new CheckpointException(file, "is a directory, not a safetensors file");
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "file does not exist", e);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot open: " + e, e);
        }
        try {
            long size = ch.size();
            if (size < 8) {
                throw new CheckpointException(file, "file is " + size
                        + " bytes, shorter than the 8-byte header length prefix");
            }
            long n = readFully(ch, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            // unsigned compare: a u64 length with the top bit set is a huge positive number, not a negative one
            if (Long.compareUnsigned(n, size - 8) > 0) {
                throw new CheckpointException(file, "header length " + Long.toUnsignedString(n)
                        + " exceeds file size " + size);
            }
            if (n > MAX_HEADER_BYTES) {
                throw new CheckpointException(file, "header length " + n + " exceeds the limit of "
                        + MAX_HEADER_BYTES + " bytes");
            }
            byte[] json = readFully(ch, 8, (int) n).array();
            long dataStart = 8 + n;
            SafetensorsHeader header = SafetensorsHeader.parse(file, json, size - dataStart);
            return new SafetensorsFile(file, ch, dataStart, header, chunkBytes);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new CheckpointException(file, "cannot read header: " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            int r = ch.read(buf, position + buf.position());
            if (r < 0) {
                throw new IOException("unexpected end of file at byte " + (position + buf.position()));
            }
        }
        return buf;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public List<String> names() {
        List<String> names = new ArrayList<>(header.tensors().size());
        for (TensorInfo t : header.tensors()) {
            names.add(t.name());
        }
        return names;
    }

    /** Header entries in file order. */
    public List<TensorInfo> infos() {
        return header.tensors();
    }

    /** Byte offset in the file where the data section starts (8 + header length). */
    public long dataStart() {
        return dataStart;
    }

    @Override
    public TensorInfo info(String name) {
        TensorInfo t = header.byName().get(name);
        if (t == null) {
            throw new CheckpointException(path, "no tensor named '" + name + "' (file has " + header.tensors().size()
                    + " tensors: " + Checkpoints.listNames(names()) + ")");
        }
        return t;
    }

    @Override
    public Map<String, String> metadata() {
        return header.metadata();
    }

    @Override
    public FloatTensor load(String name) {
        TensorInfo t = info(name);
        int[] shape = arrayShape(t);
        float[] data = new float[(int) t.numel()];
        try {
            RegionDecoder.readFloats(channel(), dataStart + t.begin(), t.dtype(), data, chunkBytes);
        } catch (IOException e) {
            throw new CheckpointException(path, "cannot read tensor '" + name + "': " + e, e);
        } catch (InternalError e) {
            // a mapped page that vanished (file truncated by someone else after open) surfaces as InternalError
            throw new CheckpointException(path, "file changed while reading tensor '" + name + "': " + e, e);
        }
        return new FloatTensor(shape, data);
    }

    @Override
    public int[] loadInts(String name) {
        TensorInfo t = info(name);
        if (!t.dtype().isInteger()) {
            throw new CheckpointException(path, "tensor '" + name + "' has dtype " + t.dtype()
                    + "; loadInts reads only I32, I64, I8, U8 and BOOL");
        }
        arrayShape(t);
        int[] data = new int[(int) t.numel()];
        try {
            RegionDecoder.readInts(channel(), dataStart + t.begin(), t.dtype(), data, chunkBytes);
        } catch (IOException e) {
            throw new CheckpointException(path, "cannot read tensor '" + name + "': " + e, e);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(path, "tensor '" + name + "': " + e.getMessage(), e);
        } catch (InternalError e) {
            throw new CheckpointException(path, "file changed while reading tensor '" + name + "': " + e, e);
        }
        return data;
    }

    /** The shape as ints, refusing tensors that cannot be one Java array (before anything is allocated). */
    private int[] arrayShape(TensorInfo t) {
        long n = t.numel();
        if (n > MAX_ARRAY) {
            throw new CheckpointException(path, "tensor '" + t.name() + "' of shape " + t.shapeString() + " has " + n
                    + " elements, more than one Java array holds (" + MAX_ARRAY + ")");
        }
        long[] s = t.shape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            // n ≤ MAX_ARRAY bounds every dimension unless another dimension is 0
            if (s[i] > Integer.MAX_VALUE) {
                throw new CheckpointException(path, "tensor '" + t.name() + "' of shape " + t.shapeString()
                        + " has a dimension over " + Integer.MAX_VALUE);
            }
            shape[i] = (int) s[i];
        }
        return shape;
    }

    private FileChannel channel() {
        if (closed) {
            throw new CheckpointException(path, "file is closed");
        }
        return channel;
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was written, so nothing can be lost
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + header.tensors().size() + " tensors]";
    }
}
