package io.callingboxgateway.events;

import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.problem.RequestValues;
import java.util.Arrays;
import java.util.Optional;

/**
 * How an event is written for a consumer: {@code gateway}, the gateway's own JSON (the default, as
 * served before CloudEvents existed), or {@code cloudevents}, one CloudEvent 1.0 in structured JSON
 * form (see {@link CloudEvent}). The same names serve {@code ?format=} and a subscription's
 * {@code format}.
 */
public enum EventFormat {
    GATEWAY("gateway"),
    CLOUDEVENTS("cloudevents");

    /** The names a caller may give, for problem details and the API description. */
    public static final String NAMES = "gateway, cloudevents";

    /** The API description of the {@code format} query parameter of the feed and the stream. */
    public static final String PARAMETER_DESCRIPTION = "gateway (default): the gateway's own event JSON;"
            + " cloudevents: each event a CloudEvent 1.0 in structured JSON form";

    private final String wireName;

    EventFormat(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the wire and in the database. */
    public String wireName() {
        return wireName;
    }

    /** The format of this name, if it is one. */
    public static Optional<EventFormat> named(String name) {
        return Arrays.stream(values()).filter(f -> f.wireName.equals(name)).findFirst();
    }

    /**
     * The {@code format} query parameter: absent is the default ({@code gateway}); anything else
     * unknown is a 400 naming the parameter.
     */
    public static EventFormat parameter(String value) {
        if (value == null) {
            return GATEWAY;
        }
        return named(value)
                .orElseThrow(() -> ProblemException.invalidParameter(
                        "format",
                        "format '%s' is not an event format; valid formats: %s"
                                .formatted(RequestValues.echo(value), NAMES)));
    }
}
