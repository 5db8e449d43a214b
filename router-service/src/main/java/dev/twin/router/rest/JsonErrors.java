package dev.twin.router.rest;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Errors the HTTP layer raises before a resource method runs (no such path, method or media type) answer like the
 * resources do, {"error": reason} as JSON, instead of an HTML page (found by RouterFuzzTest: a model name ".." made
 * the path /v2/infer, answered with HTML).
 */
public class JsonErrors {

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, HttpServerRequest request) {
        return error(404, "no endpoint " + request.method() + " " + request.path()
                + " (inference is POST /v2/models/{model}/infer)");
    }

    @ServerExceptionMapper
    public Response otherHttpError(WebApplicationException e, HttpServerRequest request) {
        int status = e.getResponse().getStatus();
        Response.StatusType type = Response.Status.fromStatusCode(status);
        return error(status, request.method() + " " + request.path() + ": " + (type == null ? "HTTP " + status
                : type.getReasonPhrase()));
    }

    private static Response error(int status, String reason) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("error", reason)).build();
    }
}
