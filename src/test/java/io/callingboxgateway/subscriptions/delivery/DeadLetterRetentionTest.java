package io.callingboxgateway.subscriptions.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callingboxgateway.events.EventRetention;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.subscriptions.TestCalls;
import io.callingboxgateway.testing.Metrics;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dead letters and event retention together, with the clock compressed: events are aged by moving
 * their occurred_at back and a dead letter by moving its dead_at back (test setup only), then event
 * retention and the ledger's dead-letter expiry run with the real "now".
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DeadLetterRetentionTest {

    @Inject
    Reconciler reconciler;

    @Inject
    EventRetention retention;

    @Inject
    DeliveryLedger ledger;

    @Inject
    TestDatabase db;

    @BeforeEach
    void noSubscriptions() {
        // Subscriptions left by other tests would hold retention back (their dead letters go with them).
        db.update("delete from subscription");
    }

    @Test
    void aDeadLetterKeepsItsEventUntilItIsRedrivenOrExpires() {
        for (int i = 0; i < 30; i++) {
            TestCalls.create(reconciler);
        }
        long floorBefore = db.deletedThrough();
        long head = db.head();
        db.ageEventsThrough(head, 400);
        long dead = floorBefore + 3;
        UUID subscription = disabledSubscriptionAt(head);
        db.update(
                "insert into dead_letter (subscription_id, event_id, attempts, last_error, dead_at)"
                        + " values (?, ?, 15, 'HTTP 500', now() - interval '29 days')",
                subscription,
                dead);

        retention.purge();
        ledger.forgetExpiredDeadLetters();

        assertEquals(dead - 1, db.deletedThrough(), "the dead letter's event and all after it are kept");
        assertEquals(1, db.queryLong("select count(*) from call_event where id = ?", dead));
        assertEquals(1, db.queryLong("select count(*) from dead_letter where event_id = ?", dead));
        assertEquals(head - dead + 1, Metrics.value("gateway_events_retention_held{reason=\"dead_letter\"}"));

        // 30 days (gateway.dead-letter-retention) after it was dead-lettered, the dead letter goes, then its event
        db.update("update dead_letter set dead_at = now() - interval '30 days 1 minute' where event_id = ?", dead);
        ledger.forgetExpiredDeadLetters();
        retention.purge();

        assertEquals(0, db.queryLong("select count(*) from dead_letter where event_id = ?", dead));
        assertEquals(head, db.deletedThrough());
    }

    /** A disabled subscription at {@code position}: it holds no event back, only its dead letters do. */
    private UUID disabledSubscriptionAt(long position) {
        UUID id = UUID.randomUUID();
        db.update("""
                insert into subscription (id, url, event_types, signing_secret, enabled, position, next_attempt_at,
                    created_at, updated_at)
                values (?, 'http://127.0.0.1:9/', '{*}', 'whsec_test_current', false, ?, now() + interval '1 day',
                    now(), now())
                """, id, position);
        return id;
    }
}
