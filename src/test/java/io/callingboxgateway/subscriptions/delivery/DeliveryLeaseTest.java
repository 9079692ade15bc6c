package io.callingboxgateway.subscriptions.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.subscriptions.SubscriptionApi;
import io.callingboxgateway.subscriptions.SubscriptionConfig;
import io.callingboxgateway.subscriptions.TestCalls;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.Receiver;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Claims as replicas make them. The subscriptions here are scheduled a day ahead, so this JVM's own
 * worker leaves them alone, and the test claims them "two days from now": two replicas are simulated
 * by claiming under two owner names. Leases are judged by the database's clock, so a lease is made to
 * run out by moving its end in the database, never by waiting.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DeliveryLeaseTest {

    @Inject
    DeliveryClaims claims;

    @Inject
    DeliveryLedger ledger;

    @Inject
    SubscriberDelivery delivery;

    @Inject
    Reconciler reconciler;

    @Inject
    SubscriptionConfig config;

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
    void twoReplicasNeverHoldTheSameSubscriptionAndAnExpiredLeaseIsTakenOver() throws Exception {
        receiver = Receiver.start();
        Set<UUID> subscriptions = subscribeOutOfTheWorkersReach(6);
        TestCalls.create(reconciler);
        Duration later = Duration.ofDays(2);

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
        assertTrue(claims.claim("replica-b", 10, later).isEmpty(), "leases still held");

        // the leases run out by the database's clock: no replica's clock is asked
        expireLeases();
        List<Claim> takenOver = claims.claim("replica-c", 10, later);
        assertEquals(subscriptions, ids(takenOver));

        Claim stale = (a.get().isEmpty() ? b.get() : a.get()).get(0);
        Claim current = takenOver.stream()
                .filter(c -> c.subscriptionId().equals(stale.subscriptionId()))
                .findFirst()
                .orElseThrow();
        long head = SubscriptionApi.head();
        assertFalse(ledger.delivered(stale, head, 200), "a lost lease records nothing");
        assertEquals(
                DeliveryLedger.Failure.CLAIM_LOST,
                ledger.failed(stale, head, new AttemptResult(false, 500, "HTTP 500", Optional.empty())));
        assertEquals(head - 1, position(stale.subscriptionId()));

        delivery.deliver(current);

        assertEquals(1, receiver.acknowledged().size());
        assertEquals(head, receiver.acknowledged().get(0).eventId());
        assertEquals(head, position(current.subscriptionId()));
        assertNull(leaseOwner(current.subscriptionId()), "the lease is given back");
    }

    @Test
    void anEditMadeDuringADeliveryStopsItsWritesButLetsItReleaseTheLease() {
        Claim claim = claimedWithOneEventDue();
        UUID id = claim.subscriptionId();

        SubscriptionApi.patch(id.toString(), Map.of("description", "edited meanwhile"))
                .statusCode(200);

        assertFalse(ledger.delivered(claim, SubscriptionApi.head(), 200));
        ledger.release(claim);
        assertNull(leaseOwner(id));
        assertEquals(SubscriptionApi.head() - 1, position(id));
    }

    @Test
    void aHeldClaimRecordsDeliveriesAndRenewsItsLease() {
        Claim claim = claimedWithOneEventDue();
        UUID id = claim.subscriptionId();
        long head = SubscriptionApi.head();

        forceLeaseToRunOutIn(id, Duration.ofSeconds(1));

        assertTrue(ledger.delivered(claim, head, 200));

        assertEquals(head, position(id));
        assertEquals("replica-a", leaseOwner(id));
        assertTrue(leaseLeft(id).compareTo(config.lease().minusSeconds(2)) > 0, "renewed: " + leaseLeft(id));
    }

    @Test
    void aClaimWhoseLeaseLapsedCannotRecordItsAttemptsResult() {
        Claim claim = claimedWithOneEventDue();
        UUID id = claim.subscriptionId();
        long head = SubscriptionApi.head();

        // nobody has claimed it since, but by the database's clock the lease is over
        forceLeaseToRunOutIn(id, Duration.ofMillis(-1));

        assertFalse(ledger.renew(claim), "a lapsed lease is not renewed");
        assertFalse(ledger.delivered(claim, head, 200), "nor is a delivery recorded");
        assertEquals(
                DeliveryLedger.Failure.CLAIM_LOST,
                ledger.failed(claim, head, new AttemptResult(false, 500, "HTTP 500", Optional.empty())));
        assertEquals(head - 1, position(id));
        assertEquals(0, deadLetters(id));
        assertEquals(1, claims.claim("replica-b", 10, Duration.ofDays(2)).size(), "another replica may claim it");
    }

    @Test
    void theLeaseIsRenewedWhileAnAttemptRunsSoTheSlowAttemptsResultLands() throws Exception {
        Claim claim = claimedWithOneEventDue();
        UUID id = claim.subscriptionId();
        long head = SubscriptionApi.head();
        // less than one attempt may take (gateway.subscription.attempt-timeout is 2s in tests)
        forceLeaseToRunOutIn(id, Duration.ofMillis(1500));
        CountDownLatch answering = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        AtomicBoolean released = new AtomicBoolean();
        receiver.answer(event -> {
            answering.countDown();
            try {
                released.set(answer.await(5, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Receiver.Answer.status(200);
        });

        CompletableFuture<Void> delivering = CompletableFuture.runAsync(() -> delivery.deliver(claim));
        assertTrue(answering.await(5, TimeUnit.SECONDS));
        try {
            await().atMost(Duration.ofMillis(1400))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> leaseLeft(id).compareTo(Duration.ofSeconds(5)) > 0);
        } finally {
            answer.countDown();
        }
        delivering.get(10, TimeUnit.SECONDS);

        assertTrue(released.get(), "the answer was held until the test released it");
        assertEquals(head, position(id), "the attempt's result was recorded");
        assertNull(leaseOwner(id), "and the lease given back");
    }

    @Test
    void eventsRetentionDeletedBeforeDeliveryArePassedOver() {
        receiver = Receiver.start();
        UUID id = subscribeOutOfTheWorkersReach(1).iterator().next();
        UUID gone = TestCalls.create(reconciler);
        UUID kept = TestCalls.create(reconciler);
        long head = SubscriptionApi.head();
        long floor = retentionFloor();
        setRetentionFloor(head - 1);
        try {
            Claim claim = claims.claim("replica-a", 10, Duration.ofDays(2)).get(0);

            delivery.deliver(claim);

            assertEquals(List.of(kept), SubscriptionDeliveryTest.callIds(receiver.acknowledged()));
            assertTrue(receiver.pushesAbout(List.of(gone)).isEmpty());
            assertEquals(head, position(id));
        } finally {
            setRetentionFloor(floor);
        }
    }

    /** One subscription out of the running worker's reach, with one event to deliver, claimed by replica-a. */
    private Claim claimedWithOneEventDue() {
        receiver = Receiver.start();
        subscribeOutOfTheWorkersReach(1);
        TestCalls.create(reconciler);
        return claims.claim("replica-a", 10, Duration.ofDays(2)).get(0);
    }

    /** Subscriptions at the current head whose next attempt is a day away, beyond the running worker's clock. */
    private Set<UUID> subscribeOutOfTheWorkersReach(int count) {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(UUID.fromString(
                    SubscriptionApi.subscribe(receiver.url(), List.of("*")).id()));
        }
        db.update("update subscription set next_attempt_at = now() + interval '1 day'");
        return ids;
    }

    private Callable<List<Claim>> claimAt(CountDownLatch start, String owner, Duration lookAhead) {
        return () -> {
            assertTrue(start.await(10, TimeUnit.SECONDS), "both replicas started");
            return claims.claim(owner, 10, lookAhead);
        };
    }

    private void expireLeases() {
        db.update(
                "update subscription set lease_until = now() - interval '1 millisecond' where lease_owner is not null");
    }

    private void forceLeaseToRunOutIn(UUID id, Duration left) {
        db.update(
                "update subscription set lease_until = now() + ? * interval '1 millisecond' where id = ?",
                left.toMillis(),
                id);
    }

    /** How long the lease has to run, by the database's clock. */
    private Duration leaseLeft(UUID id) {
        return Duration.ofMillis(db.queryLong(
                "select trunc(coalesce(extract(epoch from lease_until - clock_timestamp()) * 1000, 0))::bigint"
                        + " from subscription where id = ?",
                id));
    }

    private long deadLetters(UUID id) {
        return db.queryLong("select count(*) from dead_letter where subscription_id = ?", id);
    }

    private static Set<UUID> ids(List<Claim> claims) {
        return claims.stream().map(Claim::subscriptionId).collect(Collectors.toSet());
    }

    private long position(UUID id) {
        return db.queryLong("select position from subscription where id = ?", id);
    }

    private long retentionFloor() {
        return db.deletedThrough();
    }

    private void setRetentionFloor(long floor) {
        db.update("update event_retention set deleted_through = ?", floor);
    }

    private String leaseOwner(UUID id) {
        return db.queryOne("select lease_owner from subscription where id = ?", row -> row.getString(1), id);
    }
}
