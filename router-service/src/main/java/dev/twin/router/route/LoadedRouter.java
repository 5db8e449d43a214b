package dev.twin.router.route;

import dev.twin.core.bert.BertTokenizer;
import dev.twin.core.bundle.Bundle;
import dev.twin.core.bundle.BundleFiles;
import dev.twin.core.group.GroupingStrategies;
import dev.twin.core.group.GroupingStrategy;
import dev.twin.core.model.Bert;
import dev.twin.core.router.RouterSession;
import dev.twin.router.config.RouterConfig;
import dev.twin.router.request.RequestParser;
import dev.twin.router.request.RequestSpec;
import dev.twin.router.request.TextInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The bundle's router on ONNX Runtime plus what is derived from the bundle: the request parser (tasks, input size)
 * and the batch router (temperature, grouping strategy).
 */
public record LoadedRouter(Path bundle, RouterSession session, List<String> tasks, List<Integer> inputShape,
                           double temperature, RequestParser parser, BatchRouter batchRouter,
                           BertTokenizer tokenizer) implements AutoCloseable {
    /** A text bundle ("bert") carries the tokenizer its inputs were made with. */
    public static final String TOKENIZER_FILE = BundleFiles.TOKENIZER;

    public static LoadedRouter load(RouterConfig config) {
        return load(config, -1);
    }

    /** As {@link #load(RouterConfig)}, with router.onnx on CUDA GPU {@code cudaDevice} (-1: the CPU). */
    public static LoadedRouter load(RouterConfig config, int cudaDevice) {
        Bundle b = Bundle.load(config.bundle());
        if (!b.hasRouter()) {
            throw new IllegalArgumentException("bundle " + config.bundle() + " has no router.onnx");
        }
        List<String> tasks = b.manifest().taskNames();
        List<Integer> shape = b.manifest().inputShape() != null ? b.manifest().inputShape()
                : b.manifest().architecture().inputShape();
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        RouterSession session = RouterSession.load(b.routerOnnx(), onnxThreads(config), cudaDevice);
        BertTokenizer tokenizer = null;
        try {
            if (!session.tasks().equals(tasks)) {
                throw new IllegalArgumentException("bundle " + config.bundle() + ": router tasks " + session.tasks()
                        + " differ from the manifest's " + tasks);
            }
            if (session.inputSize() != size) {
                throw new IllegalArgumentException("bundle " + config.bundle() + ": router takes " + session.inputSize()
                        + " inputs but the manifest's input shape " + shape + " holds " + size);
            }
            double temperature = config.temperature().orElse(b.manifest().router().temperature());
            RouterConfig.Grouping g = config.grouping();
            GroupingStrategy strategy = GroupingStrategies.create(g.strategy(), g.k(), g.topK(), g.q(), g.seed());
            BatchRouter router = new BatchRouter(session::logits, tasks, size, temperature, strategy,
                    config.routedMaxMessageBytes(), g.clusterRecords() == RouterConfig.ClusterRecords.PER_BATCH);
            TextInput text = null;
            if (Bert.NAME.equals(b.manifest().architecture().name())) {
                tokenizer = tokenizer(config.bundle(), shape);
                BertTokenizer t = tokenizer;
                text = s -> t.encode(List.of(s)).row(0);
            }
            Pattern replyTo = config.replyToPattern().map(Pattern::compile)
                    .orElse(RequestSpec.replyToFor(config.topics().results()));
            RequestParser parser = new RequestParser(new RequestSpec(config.modelName(), tasks, size,
                    config.maxPayloadBytes(), !strategy.usesRouter(), text, replyTo));
            return new LoadedRouter(config.bundle(), session, tasks, List.copyOf(shape), temperature, parser, router,
                    tokenizer);
        } catch (RuntimeException e) {
            session.close();
            if (tokenizer != null) {
                tokenizer.close();
            }
            throw e;
        }
    }

    /** twin.router.onnx-threads, or half the cores (at least 1): the router shares the machine with Kafka I/O. */
    static int onnxThreads(RouterConfig config) {
        return config.onnxThreads().orElse(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    /** The bundle's tokenizer for a "bert" input [2, L]: token ids then mask, L tokens each. */
    private static BertTokenizer tokenizer(Path bundle, List<Integer> shape) {
        Path file = bundle.resolve(TOKENIZER_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("bundle " + bundle + " is a text model (bert) but has no "
                    + TOKENIZER_FILE + " to tokenize its inputs with");
        }
        if (shape.size() != 2 || shape.get(0) != 2) {
            throw new IllegalArgumentException("bundle " + bundle + ": a bert input shape is [2, L], got " + shape);
        }
        return BertTokenizer.open(file, shape.get(1));
    }

    /** Whether this bundle reads text (a BYTES input is accepted). */
    public boolean text() {
        return tokenizer != null;
    }

    public int inputSize() {
        return parser.spec().inputSize();
    }

    @Override
    public void close() {
        session.close();
        if (tokenizer != null) {
            tokenizer.close();
        }
    }
}
