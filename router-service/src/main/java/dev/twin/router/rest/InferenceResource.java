package dev.twin.router.rest;

import dev.twin.router.config.RouterConfig;
import dev.twin.router.metadata.ModelSignature;
import dev.twin.router.metrics.Channel;
import dev.twin.router.metrics.RouterMetrics;
import dev.twin.router.request.BadRequestException;
import dev.twin.router.request.InferenceRequest;
import dev.twin.router.request.RequestParser;
import dev.twin.router.overload.OverloadedException;
import dev.twin.router.sync.CallFailedException;
import dev.twin.router.sync.SyncOriginals;
import dev.twin.router.route.LoadedRouter;
import dev.twin.router.route.RouterHolder;
import dev.twin.router.sync.SyncInference;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/** The Open Inference Protocol (KServe v2) over REST; errors are {"error": reason} with an HTTP status. */
@Path("/v2")
@Produces(MediaType.APPLICATION_JSON)
public class InferenceResource {
    private final RouterHolder holder;
    private final SyncInference sync;
    private final RouterConfig config;
    private final RouterMetrics metrics;

    public InferenceResource(RouterHolder holder, SyncInference sync, RouterConfig config, RouterMetrics metrics) {
        this.holder = holder;
        this.sync = sync;
        this.config = config;
        this.metrics = metrics;
    }

    @GET
    @Path("health/live")
    public Map<String, Object> live() {
        return Map.of("live", true);
    }

    @GET
    @Path("health/ready")
    public Response ready() {
        return Response.status(holder.ready() ? 200 : 503).entity(Map.of("ready", holder.ready())).build();
    }

    @GET
    @Path("models/{model}/ready")
    public Response modelReady(@PathParam("model") String model) {
        if (!config.modelName().equals(model)) {
            return unknownModel(model);
        }
        return Response.status(holder.ready() ? 200 : 503).entity(Map.of("name", model, "ready", holder.ready()))
                .build();
    }

    @GET
    @Path("models/{model}")
    public Response metadata(@PathParam("model") String model) {
        if (!config.modelName().equals(model)) {
            return unknownModel(model);
        }
        if (!holder.ready()) {
            return error(503, "router not ready: " + holder.status());
        }
        LoadedRouter r = holder.require();
        ModelSignature sig = ModelSignature.of(r);
        return Response.ok(Map.of(
                "name", model,
                "versions", List.of("1"),
                "platform", "twin-merging",
                "inputs", sig.inputs().stream().map(InferenceResource::tensor).toList(),
                "outputs", sig.outputs().stream().map(InferenceResource::tensor).toList(),
                "parameters", Map.of("tasks", r.tasks()))).build();
    }

    private static Map<String, Object> tensor(ModelSignature.Tensor t) {
        return Map.of("name", t.name(), "datatype", t.datatype(), "shape", t.shape());
    }

    // parsing (a JSON body of hundreds of numbers) runs on a worker thread, not on the event loop
    @POST
    @Path("models/{model}/infer")
    @Consumes(MediaType.WILDCARD)
    @Blocking
    public Uni<Response> infer(@PathParam("model") String model, byte[] body) {
        long start = metrics.start();
        if (!holder.ready()) {
            metrics.failed(Channel.REST, "not_ready");
            return Uni.createFrom().item(error(503, "router not ready: " + holder.status()));
        }
        InferenceRequest request;
        try {
            request = holder.require().parser().parseRest(model, body);
        } catch (BadRequestException e) {
            metrics.rejected(Channel.REST, e.problem());
            return Uni.createFrom().item(error(400, e.getMessage()));
        }
        return Uni.createFrom().completionStage(() -> sync.infer(request, SyncOriginals.of(request.id(),
                        com.google.protobuf.UnsafeByteOperations.unsafeWrap(body == null ? new byte[0] : body),
                        RequestParser.JSON), Channel.REST, start))
                .map(bytes -> Response.ok(bytes, MediaType.APPLICATION_JSON_TYPE).build())
                .onFailure().recoverWithItem(InferenceResource::failure);
    }

    private static Response failure(Throwable t) {
        Throwable e = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (e instanceof BadRequestException) {
            return error(400, e.getMessage());
        }
        if (e instanceof OverloadedException) {
            return error(429, e.getMessage());
        }
        if (e instanceof CallFailedException f) {
            return error(SyncOriginals.httpStatus(f.code()), f.getMessage());
        }
        return error(500, String.valueOf(e.getMessage()));
    }

    private Response unknownModel(String model) {
        return error(404, "unknown model '" + model + "' (this server serves '" + config.modelName() + "')");
    }

    private static Response error(int status, String reason) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("error", reason)).build();
    }
}
