package io.callingboxgateway.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Map;

/**
 * Carries a trace across the event log: the span that writes an event is stored as its W3C
 * {@code traceparent}, and the delivery that reads the event later, maybe on another replica, starts
 * its span as a child of it. With tracing off the current span is never valid, so nothing is stored
 * and nothing is looked up.
 */
public final class TraceParents {

    private static final String HEADER = "traceparent";
    private static final TextMapGetter<Map<String, String>> FROM_MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private TraceParents() {}

    /** The current span as a {@code traceparent} value, or null when no span is recording. */
    public static String current() {
        SpanContext span = Span.current().getSpanContext();
        if (!span.isValid()) {
            return null;
        }
        String[] value = new String[1];
        W3CTraceContextPropagator.getInstance().inject(Context.current(), value, (carrier, key, v) -> {
            if (HEADER.equals(key)) {
                carrier[0] = v;
            }
        });
        return value[0];
    }

    /** The context a stored {@code traceparent} names, or the root context when there is none. */
    public static Context parentOf(String traceparent) {
        if (traceparent == null || traceparent.isBlank()) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of(HEADER, traceparent), FROM_MAP);
    }
}
