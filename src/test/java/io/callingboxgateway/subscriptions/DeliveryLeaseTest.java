package io.callingboxgateway.subscriptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.subscriptions.delivery.AttemptResult;
import io.callingboxgateway.subscriptions.delivery.Claim;
import io.callingboxgateway.subscriptions.delivery.DeliveryLedger;
import io.callingboxgateway.subscriptions.delivery.SubscriberDelivery;
import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Claims as replicas make them. The subscriptions here are scheduled a day ahead, so this JVM's own
 * worker leaves them alone, and the test claims them "two days from now": two replicas are simulated
 * by claiming under two owner names, and time moves by passing a later clock, never by waiting.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DeliveryLeaseTest {

    @Inject
    DeliveryLedger ledger;

    @Inject
    SubscriberDelivery delivery;

    @Inject
    Reconciler reconciler;

    @Inject
    SubscriptionConfig config;

    @Inject
    EntityManager em;

    private Receiver receiver;

    @BeforeEach
    @AfterEach
    void noSubscriptions() {
        QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery("delete from subscription").executeUpdate());
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void twoReplicasNeverHoldTheSameSubscriptionAndAnExpiredLeaseIsTakenOver() throws Exception {
        receiver = Receiver.start();
        Set<UUID> subscriptions = subscribeOutOfTheWorkersReach(6);
        TestCalls.create(reconciler);
        Instant later = Instant.now().plus(Duration.ofDays(2));

        ExecutorService replicas = Executors.newFixedThreadPool(2);
        CountDownLatch together = new CountDownLatch(1);
        Future<List<Claim>> a = replicas.submit(claimAt(together, "replica-a", later));
        Future<List<Claim>> b = replicas.submit(claimAt(together, "replica-b", later));
        together.countDown();
        Set<UUID> byA = ids(a.get());
        Set<UUID> byB = ids(b.get());
        replicas.shutdown();

        assertTrue(byA.stream().noneMatch(byB::contains), "claimed by both: " + byA + " " + byB);
        Set<UUID> all = new HashSet<>(byA);
        all.addAll(byB);
        assertEquals(subscriptions, all);
        assertTrue(ledger.claim("replica-b", 10, later.plusSeconds(5)).isEmpty(), "leases still held");

        Instant expired = later.plus(config.lease()).plusSeconds(1);
        List<Claim> takenOver = ledger.claim("replica-c", 10, expired);
        assertEquals(subscriptions, ids(takenOver));

        Claim stale = (a.get().isEmpty() ? b.get() : a.get()).get(0);
        Claim current = takenOver.stream()
                .filter(c -> c.subscriptionId().equals(stale.subscriptionId()))
                .findFirst()
                .orElseThrow();
        long head = SubscriptionResourceTest.head();
        assertNull(ledger.delivered(stale, head, 200, Instant.now()), "a lost lease records nothing");
        assertEquals(
                DeliveryLedger.Failure.CLAIM_LOST,
                ledger.failed(stale, head, new AttemptResult(false, 500, "HTTP 500", Optional.empty()), Instant.now()));
        assertEquals(head - 1, position(stale.subscriptionId()));

        delivery.deliver(current);

        assertEquals(1, receiver.acknowledged().size());
        assertEquals(head, receiver.acknowledged().get(0).eventId());
        assertEquals(head, position(current.subscriptionId()));
        assertNull(leaseOwner(current.subscriptionId()), "the lease is given back");
    }

    @Test
    void anEditMadeDuringADeliveryStopsItsWritesButLetsItReleaseTheLease() {
        receiver = Receiver.start();
        UUID id = subscribeOutOfTheWorkersReach(1).iterator().next();
        TestCalls.create(reconciler);
        Claim claim = ledger.claim("replica-a", 10, Instant.now().plus(Duration.ofDays(2)))
                .get(0);

        SubscriptionResourceTest.patch(id.toString(), Map.of("description", "edited meanwhile"))
                .statusCode(200);

        assertNull(ledger.delivered(claim, SubscriptionResourceTest.head(), 200, Instant.now()));
        ledger.release(claim);
        assertNull(leaseOwner(id));
        assertEquals(SubscriptionResourceTest.head() - 1, position(id));
    }

    @Test
    void aHeldClaimRecordsDeliveriesAndRenewsItsLease() {
        receiver = Receiver.start();
        UUID id = subscribeOutOfTheWorkersReach(1).iterator().next();
        TestCalls.create(reconciler);
        Claim claim = ledger.claim("replica-a", 10, Instant.now().plus(Duration.ofDays(2)))
                .get(0);
        long head = SubscriptionResourceTest.head();

        Instant now = Instant.now();
        Instant until = ledger.delivered(claim, head, 200, now);

        assertNotNull(until);
        assertEquals(now.plus(config.lease()), until);
        assertEquals(head, position(id));
        assertEquals("replica-a", leaseOwner(id));
    }

    @Test
    void eventsRetentionDeletedBeforeDeliveryArePassedOver() {
        receiver = Receiver.start();
        UUID id = subscribeOutOfTheWorkersReach(1).iterator().next();
        UUID gone = TestCalls.create(reconciler);
        UUID kept = TestCalls.create(reconciler);
        long head = SubscriptionResourceTest.head();
        long floor = retentionFloor();
        setRetentionFloor(head - 1);
        try {
            Claim claim = ledger.claim("replica-a", 10, Instant.now().plus(Duration.ofDays(2)))
                    .get(0);

            delivery.deliver(claim);

            assertEquals(List.of(kept), SubscriptionDeliveryTest.callIds(receiver.acknowledged()));
            assertTrue(SubscriptionDeliveryTest.pushes(receiver, List.of(gone)).isEmpty());
            assertEquals(head, position(id));
        } finally {
            setRetentionFloor(floor);
        }
    }

    /** Subscriptions at the current head whose next attempt is a day away, beyond the running worker's clock. */
    private Set<UUID> subscribeOutOfTheWorkersReach(int count) {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(UUID.fromString(SubscriptionDeliveryTest.subscribe(receiver.url(), List.of("*"))
                    .id()));
        }
        QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery("update subscription set next_attempt_at = now() + interval '1 day'")
                        .executeUpdate());
        return ids;
    }

    private Callable<List<Claim>> claimAt(CountDownLatch start, String owner, Instant now) {
        return () -> {
            start.await();
            return ledger.claim(owner, 10, now);
        };
    }

    private static Set<UUID> ids(List<Claim> claims) {
        return claims.stream().map(Claim::subscriptionId).collect(Collectors.toSet());
    }

    private long position(UUID id) {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) em.createNativeQuery("select position from subscription where id = :id")
                                .setParameter("id", id)
                                .getSingleResult())
                        .longValue());
    }

    private long retentionFloor() {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) em.createNativeQuery("select deleted_through from event_retention")
                                .getSingleResult())
                        .longValue());
    }

    private void setRetentionFloor(long floor) {
        QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery("update event_retention set deleted_through = :floor")
                        .setParameter("floor", floor)
                        .executeUpdate());
    }

    private String leaseOwner(UUID id) {
        return QuarkusTransaction.requiringNew()
                .call(() -> (String) em.createNativeQuery("select lease_owner from subscription where id = :id")
                        .setParameter("id", id)
                        .getSingleResult());
    }
}
