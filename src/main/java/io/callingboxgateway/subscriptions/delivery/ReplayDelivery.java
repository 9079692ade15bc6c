package io.callingboxgateway.subscriptions.delivery;

import io.callingboxgateway.events.EventPage;
import io.callingboxgateway.events.EventView;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.BooleanSupplier;

/**
 * Posts a waiting replay's events again, in log order, marked {@code webhook-replay: true}, under the
 * claim of a delivery whose live line has caught up: one subscriber is never posted to by two
 * deliveries at once, and the replay's progress ({@code replay_after}) is recorded apart from the live
 * position, which it never moves.
 */
@ApplicationScoped
class ReplayDelivery {

    private final ReplayLedger ledger;
    private final SubscriberClient client;
    private final DeliveryMetrics metrics;

    ReplayDelivery(ReplayLedger ledger, SubscriberClient client, DeliveryMetrics metrics) {
        this.ledger = ledger;
        this.client = client;
        this.metrics = metrics;
    }

    /** @param stop true once the delivery must start no further attempt (claim lost, shutting down) */
    void deliver(Claim claim, BooleanSupplier stop) {
        ReplayLedger.Window window = ledger.window(claim);
        if (window == null) {
            return;
        }
        long position = window.after();
        Destination destination = client.destination(claim);
        while (!stop.getAsBoolean()) {
            EventPage page = ledger.next(claim, window, position);
            for (EventView event : page.data()) {
                if (stop.getAsBoolean()) {
                    return;
                }
                AttemptResult result = client.post(claim, destination, event, true);
                if (!result.delivered()) {
                    ledger.failed(claim, event.id(), result);
                    metrics.count("replay_failed", 1);
                    return;
                }
                if (!ledger.replayed(claim, event.id())) {
                    return;
                }
                metrics.count("replayed", 1);
                position = event.id();
            }
            if (!page.hasMore()) {
                ledger.finished(claim);
                return;
            }
            position = Long.parseLong(page.nextCursor());
        }
    }
}
