package io.callingboxgateway.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.callingboxgateway.database.DatabaseOutage;
import io.callingboxgateway.database.ReadsBusy;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves the gateway as problem JSON; none carries a class name or a stack trace. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    /** Seconds a reader is asked to wait when the database is unavailable: stalls end within seconds. */
    static final int DATABASE_RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response response = e.problem().toResponse();
        if (e.retryAfterSeconds() == null) {
            return response;
        }
        return Response.fromResponse(response)
                .header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds())
                .build();
    }

    /** Every read place of this replica stayed taken: the reader may retry here shortly, or elsewhere. */
    @ServerExceptionMapper
    public Response readsBusy(ReadsBusy e) {
        return Response.fromResponse(Problem.of(503, "reads-busy", "Service Unavailable", e.getMessage())
                        .toResponse())
                .header(HttpHeaders.RETRY_AFTER, ReadsBusy.RETRY_AFTER_SECONDS)
                .build();
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e) {
        String detail = e.getConstraintViolations().stream()
                .map(ProblemMappers::describe)
                .sorted()
                .collect(Collectors.joining("; "));
        return Problem.of(400, "invalid-request", "Invalid request", detail).toResponse();
    }

    /** Routing and content negotiation failures the framework raises (404, 405, 406, 415, ...). */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        if (status.getStatusCode() >= 500) {
            return unexpected(e);
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            // Quarkus wraps a body Jackson could not parse in a bare 400: say what was wrong
            return JsonBodyProblems.describe(json).toResponse();
        }
        String kind = status.getReasonPhrase().toLowerCase(Locale.ROOT).replace(' ', '-');
        return Problem.of(status.getStatusCode(), kind, status.getReasonPhrase(), e.getMessage())
                .toResponse();
    }

    /**
     * The last line of defence. A database failure that passes (unreachable, lock or statement timeout,
     * deadlock, failover, commit outcome unknown) is a 503 the caller can retry; anything else is logged
     * under an id, and the caller is told only the id.
     */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        if (DatabaseOutage.isCauseOf(e)) {
            LOG.warnf("Request failed, database unavailable: %s", rootMessage(e));
            return Response.fromResponse(Problem.of(
                                    503,
                                    "database-unavailable",
                                    "Service Unavailable",
                                    "The database is unavailable or busy; nothing was changed. Try again later.")
                            .toResponse())
                    .header(HttpHeaders.RETRY_AFTER, DATABASE_RETRY_AFTER_SECONDS)
                    .build();
        }
        if (callerWentAway(e)) {
            // Writing the answer failed because the client closed the connection: nobody reads what
            // follows, and logging it as an error would bury real incidents under hang-ups.
            LOG.debugf("Caller closed the connection before the answer was written: %s", rootMessage(e));
            return Problem.of(500, "internal-error", "Internal error", "The connection was closed")
                    .toResponse();
        }
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "Unhandled error, incident %s", incident);
        return Problem.of(500, "internal-error", "Internal error", "Something went wrong; incident " + incident)
                .toResponse();
    }

    /**
     * What Vert.x and Quarkus REST raise when the answer cannot be written to a closed connection. Narrow
     * on purpose: any other I/O failure (an upstream read, a JSON writer) stays an incident.
     */
    private static boolean callerWentAway(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof io.vertx.core.http.HttpClosedException) {
                return true;
            }
            if (cause instanceof java.io.IOException
                    && !(cause instanceof JsonProcessingException)
                    && cause.getMessage() != null
                    && (cause.getMessage().startsWith("Failed to write")
                            || cause.getMessage().contains("Connection has been closed")
                            || cause.getMessage().contains("Connection was closed"))) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        for (int depth = 0; root.getCause() != null && depth < 32; depth++) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static String describe(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        String field = path.substring(path.lastIndexOf('.') + 1);
        return field + " " + violation.getMessage();
    }
}
