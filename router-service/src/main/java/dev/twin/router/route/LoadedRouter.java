package dev.twin.router.route;

import dev.twin.core.bundle.Bundle;
import dev.twin.core.group.GroupingStrategies;
import dev.twin.core.group.GroupingStrategy;
import dev.twin.core.router.RouterSession;
import dev.twin.router.config.RouterConfig;
import dev.twin.router.request.RequestParser;
import dev.twin.router.request.RequestSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * The bundle's router on ONNX Runtime plus what is derived from the bundle: the request parser (tasks, input size)
 * and the batch router (temperature, grouping strategy).
 */
public record LoadedRouter(Path bundle, RouterSession session, List<String> tasks, List<Integer> inputShape,
                           double temperature, RequestParser parser, BatchRouter batchRouter) implements AutoCloseable {

    public static LoadedRouter load(RouterConfig config) {
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
        RouterSession session = RouterSession.load(b.routerOnnx());
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
            BatchRouter router = new BatchRouter(session::logits, tasks, size, temperature, strategy);
            RequestParser parser = new RequestParser(new RequestSpec(config.modelName(), tasks, size,
                    config.maxPayloadBytes(), !strategy.usesRouter()));
            return new LoadedRouter(config.bundle(), session, tasks, List.copyOf(shape), temperature, parser, router);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    public int inputSize() {
        return parser.spec().inputSize();
    }

    @Override
    public void close() {
        session.close();
    }
}
