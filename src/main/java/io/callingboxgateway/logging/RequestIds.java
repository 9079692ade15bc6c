package io.callingboxgateway.logging;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Gives every request an id that each log line written while serving it carries (MDC key
 * {@code requestId}, a field of the JSON log) and that the answer returns in {@code X-Request-Id}, so a
 * caller's report leads to the log lines. A caller's own {@code X-Request-Id} is kept when it is a
 * short token; anything else is replaced, so a header can never forge or break a log line.
 */
public class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";

    private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    @ServerRequestFilter(preMatching = true)
    public void tag(ContainerRequestContext request) {
        String offered = request.getHeaderString(HEADER);
        String id = offered != null && ACCEPTABLE.matcher(offered).matches()
                ? offered
                : UUID.randomUUID().toString();
        // Quarkus keeps the MDC in the request's Vert.x context, so the id follows the request onto
        // worker threads and is gone with it.
        MDC.put(MDC_KEY, id);
        request.setProperty(MDC_KEY, id);
    }

    @ServerResponseFilter
    public void echo(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(MDC_KEY) instanceof String id) {
            response.getHeaders().putSingle(HEADER, id);
        }
    }
}
