package io.callingboxgateway.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts the span of one delivery (a push attempt) as a child of the span that wrote the event, so a
 * trace runs from the webhook through reconcile to the delivery even though the delivery happens
 * later, on a worker thread, maybe on another replica. The parent is the event's stored
 * {@code traceparent}, looked up only while tracing is on.
 */
@ApplicationScoped
public class DeliveryTracing {

    private static final Logger LOG = Logger.getLogger(DeliveryTracing.class);

    private final Tracer tracer;
    private final DataSource database;
    private final boolean enabled;

    DeliveryTracing(
            Tracer tracer,
            DataSource database,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean disabled) {
        this.tracer = tracer;
        this.database = database;
        this.enabled = !disabled;
    }

    /** A started span (the caller ends it) named {@code name}, child of the trace that wrote the event. */
    public Span start(String name, long eventId) {
        if (!enabled) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder(name)
                .setSpanKind(SpanKind.PRODUCER)
                .setParent(TraceParents.parentOf(traceparentOf(eventId)))
                .setAttribute("gateway.event.id", eventId)
                .startSpan();
    }

    private String traceparentOf(long eventId) {
        try (Connection connection = database.getConnection();
                PreparedStatement query =
                        connection.prepareStatement("select traceparent from call_event where id = ?")) {
            query.setLong(1, eventId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        } catch (SQLException e) {
            // A delivery must not fail for want of its trace: it then starts a trace of its own.
            LOG.debugf("No trace parent for event %d: %s", eventId, e.getMessage());
            return null;
        }
    }
}
