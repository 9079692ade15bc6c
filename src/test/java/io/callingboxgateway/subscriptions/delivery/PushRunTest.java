package io.callingboxgateway.subscriptions.delivery;

import static io.callingboxgateway.subscriptions.delivery.SubscriptionDeliveryTest.callIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.subscriptions.SubscriptionApi;
import io.callingboxgateway.subscriptions.TestCalls;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.Receiver;
import io.callingboxgateway.testing.Receiver.Answer;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs of pushes (docs/decisions/0069-push-runs.md), one claim delivered by the test itself: the
 * subscription is scheduled a day ahead, out of the running worker's reach, and claimed "two days from
 * now", as DeliveryLeaseTest does.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class PushRunTest {

    @Inject
    DeliveryClaims claims;

    @Inject
    SubscriberDelivery delivery;

    @Inject
    Reconciler reconciler;

    @Inject
    TestDatabase db;

    private Receiver receiver;

    @BeforeEach
    @AfterEach
    void noSubscriptions() {
        db.update("delete from subscription");
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void oneClaimDeliversEveryDueEventInOrderEachOnce() {
        receiver = Receiver.start();
        UUID id = subscribeOutOfTheWorkersReach();
        List<UUID> calls = createCalls(7);

        delivery.deliver(claim());

        assertEquals(calls, callIds(receiver.pushes()));
        assertEquals(SubscriptionApi.head(), position(id));
        assertNull(leaseOwner(id), "the lease is given back");
    }

    @Test
    void aRunFailingHalfwayKeepsWhatWasDeliveredAndHoldsTheRestBackForTheRetry() {
        receiver = Receiver.start();
        UUID id = subscribeOutOfTheWorkersReach();
        List<UUID> calls = createCalls(5);
        UUID failing = calls.get(2);
        AtomicBoolean refusedOnce = new AtomicBoolean();
        receiver.answer(event ->
                event.get("call_id").asText().equals(failing.toString()) && refusedOnce.compareAndSet(false, true)
                        // an hour away: the running worker leaves the retry alone, the test claims it
                        ? new Answer(503, Map.of("Retry-After", "3600"))
                        : Answer.status(200));

        delivery.deliver(claim());

        assertEquals(calls.subList(0, 3), callIds(receiver.pushes()), "nothing after the failing event was sent");
        long secondDelivered = receiver.pushes().get(1).eventId();
        assertEquals(secondDelivered, position(id), "the line stands after the last event delivered");
        assertEquals(1L, counter(id, "attempts"), "the failing event's count of attempts starts afresh");
        assertEquals(1L, counter(id, "consecutive_failures"));
        assertEquals(503L, counter(id, "last_response_status"));
        assertNull(leaseOwner(id), "a failure gives the claim back");

        delivery.deliver(claim());

        assertEquals(calls, callIds(receiver.acknowledged()), "the retry resumes at the failed event, in order");
        assertEquals(SubscriptionApi.head(), position(id));
        assertEquals(0L, counter(id, "attempts"));
    }

    private Claim claim() {
        return claims.claim("replica-a", 10, Duration.ofDays(2)).get(0);
    }

    private List<UUID> createCalls(int count) {
        List<UUID> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            calls.add(TestCalls.create(reconciler));
        }
        return calls;
    }

    /** A subscription at the current head whose next attempt is a day away, beyond the running worker's clock. */
    private UUID subscribeOutOfTheWorkersReach() {
        UUID id = UUID.fromString(
                SubscriptionApi.subscribe(receiver.url(), List.of("*")).id());
        db.update("update subscription set next_attempt_at = now() + interval '1 day'");
        return id;
    }

    private long position(UUID id) {
        return counter(id, "position");
    }

    private long counter(UUID id, String column) {
        return db.queryLong("select " + column + " from subscription where id = ?", id);
    }

    private String leaseOwner(UUID id) {
        return db.queryOne("select lease_owner from subscription where id = ?", row -> row.getString(1), id);
    }
}
