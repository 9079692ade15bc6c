package io.callingboxgateway.subscriptions.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.events.CallConditions;
import io.callingboxgateway.events.EventFilter;
import io.callingboxgateway.subscriptions.Subscription;
import io.callingboxgateway.subscriptions.SubscriptionFilter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event filter a claimed delivery reads its pages with: the subscription's types and its call
 * conditions. The conditions are read once per subscription version (an edit bumps it, and a claim
 * holds the version it was made at), so a delivery does not read the row again for every page.
 */
@ApplicationScoped
class SubscriptionFilters {

    private record Known(long version, CallConditions conditions) {}

    private final EntityManager em;
    private final Map<UUID, Known> known = new ConcurrentHashMap<>();

    SubscriptionFilters(EntityManager em) {
        this.em = em;
    }

    /** Must run inside a transaction (the ledger's). */
    EventFilter of(Claim claim) {
        Known cached = known.get(claim.subscriptionId());
        if (cached == null || cached.version() != claim.version()) {
            Subscription row = em.find(Subscription.class, claim.subscriptionId());
            JsonNode stored = row == null ? null : row.filter;
            cached = new Known(claim.version(), SubscriptionFilter.stored(stored));
            known.put(claim.subscriptionId(), cached);
        }
        return new EventFilter(claim.wantedTypes(), null).withCall(cached.conditions());
    }
}
