package io.callingboxgateway.database;

import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.Context;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Puts every read request (GET and HEAD of calls, events and subscriptions) in a {@link ReadBudget}
 * place from the resource's start until its answer is sent or the client has gone. Event streams are
 * not counted for their lifetime, which is mostly waiting: their database reads take a place each
 * (see events/EventWindow).
 */
public class ReadBudgetFilter {

    private static final List<String> READ_PATHS = List.of("/calls", "/events", "/subscriptions");
    private static final String STREAM_PATH = "/events/stream";

    private final ReadBudget budget;
    private final CurrentVertxRequest current;

    ReadBudgetFilter(ReadBudget budget, CurrentVertxRequest current) {
        this.budget = budget;
        this.current = current;
    }

    /** Runs after matching, on the thread the resource runs on: a worker may wait, the event loop may not. */
    @ServerRequestFilter
    public void takePlace(ContainerRequestContext request) {
        if (!isRead(request.getMethod(), request.getUriInfo().getPath())) {
            return;
        }
        budget.acquire(!Context.isOnEventLoopThread());
        AtomicBoolean released = new AtomicBoolean();
        // Called once the answer is out or the connection is gone, whatever happened in between
        current.getCurrent().addEndHandler(ended -> {
            if (released.compareAndSet(false, true)) {
                budget.release();
            }
        });
    }

    static boolean isRead(String method, String path) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return false;
        }
        if (path.equals(STREAM_PATH) || path.startsWith(STREAM_PATH + "/")) {
            return false;
        }
        return READ_PATHS.stream().anyMatch(read -> path.equals(read) || path.startsWith(read + "/"));
    }
}
