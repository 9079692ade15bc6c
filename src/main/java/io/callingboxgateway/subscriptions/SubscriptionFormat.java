package io.callingboxgateway.subscriptions;

import io.callingboxgateway.events.EventFormat;
import io.callingboxgateway.problem.RequestValues;

/** The {@code format} a subscription's pushes are written in, as its body names it. */
final class SubscriptionFormat {

    static final String DESCRIPTION = "How pushes are written: gateway (default; the gateway's own event JSON,"
            + " application/json) or cloudevents (one CloudEvent 1.0 per request, structured mode,"
            + " application/cloudevents+json); the Standard Webhooks headers are the same for both";

    private SubscriptionFormat() {}

    /**
     * The format's name as stored; {@code gateway} when absent.
     *
     * @throws InvalidSubscription naming {@code format} when it names no format
     */
    static String checked(String format) {
        if (format == null) {
            return EventFormat.GATEWAY.wireName();
        }
        return EventFormat.named(format)
                .map(EventFormat::wireName)
                .orElseThrow(() -> new InvalidSubscription(
                        "format",
                        "format '%s' is not an event format; valid formats: %s"
                                .formatted(RequestValues.echo(format), EventFormat.NAMES)));
    }
}
