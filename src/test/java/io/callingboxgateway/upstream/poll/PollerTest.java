package io.callingboxgateway.upstream.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.testing.CallingBoxWireMock;
import io.callingboxgateway.testing.Metrics;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.upstream.CallingBoxClient;
import io.callingboxgateway.upstream.UpstreamFixtures;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = CallingBoxWireMock.class, scope = TestResourceScope.GLOBAL)
class PollerTest {

    static final Duration TTL = Duration.ofMinutes(2);

    @Inject
    Poller poller;

    @Inject
    PollerLease lease;

    @Inject
    PollProgress progress;

    @Inject
    CallDiscovery discovery;

    @Inject
    EntityManager em;

    @Inject
    CircuitBreakerMaintenance breakers;

    @BeforeEach
    void reset() {
        UpstreamFixtures.emptyStore(em);
        CallingBoxWireMock.server().resetAll();
        breakers.reset(CallingBoxClient.BREAKER);
        CallingBoxWireMock.server().stubFor(get(urlPathEqualTo("/v1/calls")).willReturn(okJson("[]")));
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/webhook_deliveries")).willReturn(okJson("{\"data\": []}")));
    }

    @Test
    void onlyOneReplicaHoldsTheLease() {
        PollerLease.Term a = lease.tryAcquire("replica-a", TTL).orElseThrow();
        assertFalse(lease.tryAcquire("replica-b", TTL).isPresent());
        assertEquals(a, lease.tryAcquire("replica-a", TTL).orElseThrow(), "the holder renews, in the same term");
        assertTrue(lease.renew(a, TTL));
        assertFalse(lease.renew(new PollerLease.Term("replica-b", a.epoch()), TTL));
    }

    @Test
    void anExpiredLeaseIsTakenOverAndItsFormerHolderNoticesOnRenewal() {
        PollerLease.Term a = lease.tryAcquire("replica-a", TTL).orElseThrow();
        expireLease();

        PollerLease.Term b = lease.tryAcquire("replica-b", TTL).orElseThrow();
        assertTrue(b.epoch() > a.epoch(), "a new term");
        assertFalse(lease.renew(a, TTL), "replica-a must stop polling");
        assertFalse(lease.tryAcquire("replica-a", TTL).isPresent());
    }

    @Test
    void aPollerWhoseLeaseWasTakenOverCannotMoveTheHighWaterMark() {
        PollerLease.Term stale = lease.tryAcquire("replica-a", TTL).orElseThrow();
        expireLease();
        PollerLease.Term current = lease.tryAcquire("replica-b", TTL).orElseThrow();

        assertFalse(progress.recordCompleteScan(stale, Instant.now()), "the stale term writes nothing");
        assertFalse(progress.recordSuccess(stale));
        assertEquals(null, progress.read().highWaterMark());
        assertEquals(null, progress.read().lastSuccessAt());

        // nor can a scan it was running when the lease changed hands (the list here is empty)
        assertThrows(
                CallDiscovery.LeaseLostException.class, () -> discovery.discover(stale, Instant.now(), () -> true));
        assertEquals(null, progress.read().highWaterMark());

        // the same replica taking the lease again after it ran out gets a new term; the old one stays dead
        expireLease();
        PollerLease.Term again = lease.tryAcquire("replica-a", TTL).orElseThrow();
        assertTrue(again.epoch() > current.epoch());
        assertFalse(progress.recordCompleteScan(stale, Instant.now()));
        assertTrue(progress.recordCompleteScan(again, Instant.parse("2026-01-01T00:00:00Z")));
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), progress.read().highWaterMark());
    }

    @Test
    void aPollThatRunsLongerThanItsLeaseKeepsItAndRecordsItsSuccess() throws Exception {
        Duration shortLease = Duration.ofSeconds(2);
        // heal asks CallingBox to redeliver six deliveries, 700 ms each: the poll outlasts two leases
        String exhausted = java.util.stream.IntStream.range(0, 6)
                .mapToObj(i -> "{\"id\": \"" + java.util.UUID.randomUUID() + "\", \"call_id\": \""
                        + java.util.UUID.randomUUID() + "\", \"event_type\": \"call.completed\", \"status\":"
                        + " \"exhausted\"}")
                .collect(java.util.stream.Collectors.joining(",", "{\"data\": [", "]}"));
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/webhook_deliveries")).willReturn(okJson(exhausted)));
        CallingBoxWireMock.server()
                .stubFor(post(urlPathMatching("/v1/webhook_deliveries/.*/redeliver"))
                        .willReturn(okJson("{\"status\": \"pending\"}").withFixedDelay(700)));

        CompletableFuture<Poller.Report> polling =
                CompletableFuture.supplyAsync(() -> poller.poll("replica-a", Instant.now(), shortLease));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !CallingBoxWireMock.server()
                        .findAll(postRequestedFor(urlPathMatching("/v1/webhook_deliveries/.*/redeliver")))
                        .isEmpty());
        // past the first lease's end, another replica still cannot take it
        await().pollDelay(Duration.ofMillis(2500))
                .atMost(Duration.ofSeconds(4))
                .until(() -> !lease.tryAcquire("replica-b", shortLease).isPresent());
        Poller.Report report = polling.get(20, TimeUnit.SECONDS);

        assertTrue(report.succeeded(), () -> report.failures().toString());
        assertEquals(6, report.heal().requested());
        assertNotNull(progress.read().lastSuccessAt(), "the poll's success was recorded under the renewed lease");
    }

    @Test
    void ofTwoReplicasPollingOnlyTheLeaseHolderCallsCallingBox() {
        Poller.Report a = poller.poll("replica-a", Instant.now());
        int requestsAfterA = CallingBoxWireMock.server().getAllServeEvents().size();
        Poller.Report b = poller.poll("replica-b", Instant.now());

        assertTrue(a.ran());
        assertTrue(a.succeeded(), () -> a.failures().toString());
        assertFalse(b.ran());
        assertEquals(
                requestsAfterA, CallingBoxWireMock.server().getAllServeEvents().size());
        assertNotNull(progress.read().lastSuccessAt());
        assertNotNull(progress.read().lastCompleteScanAt());
        double age = Metrics.value("callingbox_poll_last_success_age_seconds");
        assertTrue(age >= 0 && age < 60, "seconds since the last successful poll: " + age);
        assertTrue(Metrics.value("callingbox_poll_duration_seconds_count{job=\"all\"}") >= 1);

        expireLease();
        assertTrue(poller.poll("replica-b", Instant.now()).ran(), "a dead poller's lease is taken over");
    }

    @Test
    void aFailingUpstreamFailsThePollCleanly() {
        CallingBoxWireMock.server().resetAll();
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/calls"))
                        .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                                .withStatus(500)));

        Poller.Report report = poller.poll("replica-a", Instant.now());

        assertTrue(report.ran());
        assertFalse(report.succeeded());
        assertTrue(
                report.failures().get(0).startsWith("discovery"),
                report.failures().toString());
        assertEquals(null, progress.read().lastSuccessAt());
        assertEquals(null, progress.read().highWaterMark(), "an incomplete scan does not move the mark");
    }

    private void expireLease() {
        QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery("update poller_lease set expires_at = now() - interval '1 second'")
                        .executeUpdate());
    }
}
