package dev.twin.router.dashboard;

import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The live dashboard: the page and its scripts are static resources under /dashboard/ (uPlot from its webjar);
 * its data come from here: the frames so far, then one server-sent event per new frame.
 */
@Path("/dashboard")
public class DashboardResource {
    private final DashboardFeed feed;

    public DashboardResource(DashboardFeed feed) {
        this.feed = feed;
    }

    @GET
    public Response page() {
        return Response.seeOther(URI.create("/dashboard/index.html")).build();
    }

    @GET
    @Path("frames")
    @Produces(MediaType.APPLICATION_JSON)
    public String frames() {
        return feed.history();
    }

    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN) // each element is already a JSON frame
    public Multi<String> stream() {
        return feed.live();
    }
}
