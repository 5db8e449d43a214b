import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Image build step (deploy/container/Containerfile, stage libtorch-cuda): makes DJL download its CUDA libtorch into
 * DJL_CACHE_DIR by starting the PyTorch engine once, then links the directory holding libtorch_cuda.so at the path
 * given as argument. The build machine needs no GPU: when the engine cannot start there, the download is still checked.
 */
public class FetchLibtorch {

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: FetchLibtorch <link to create for the libtorch directory>");
        }
        try {
            Engine engine = Engine.getEngine("PyTorch");
            System.out.println("PyTorch " + engine.getVersion() + " loaded; GPUs visible on the build machine: " + engine.getGpuCount());
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            System.out.println("the engine did not start on the build machine (expected without a GPU driver): " + e);
        }
        Path cache = Path.of(System.getenv("DJL_CACHE_DIR"));
        Optional<Path> lib;
        try (Stream<Path> files = Files.walk(cache)) {
            lib = files.filter(p -> p.getFileName().toString().equals("libtorch_cuda.so")).findFirst();
        }
        if (lib.isEmpty()) {
            throw new IllegalStateException("no libtorch_cuda.so under " + cache + ": DJL did not fetch its CUDA build");
        }
        Files.createSymbolicLink(Path.of(args[0]), lib.get().getParent());
        System.out.println("CUDA libtorch: " + lib.get().getParent() + " linked at " + args[0]);
    }
}
