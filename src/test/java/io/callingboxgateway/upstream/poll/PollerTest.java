package io.callingboxgateway.upstream.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.testing.CallingBoxWireMock;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.upstream.CallingBoxClient;
import io.callingboxgateway.upstream.UpstreamFixtures;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
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
    EntityManager em;

    @Inject
    MeterRegistry metrics;

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
        assertTrue(lease.tryAcquire("replica-a", TTL).held());
        assertFalse(lease.tryAcquire("replica-b", TTL).held());
        assertTrue(lease.tryAcquire("replica-a", TTL).held(), "the holder renews");
        assertTrue(lease.renew("replica-a", TTL));
        assertFalse(lease.renew("replica-b", TTL));
    }

    @Test
    void anExpiredLeaseIsTakenOverAndItsFormerHolderNoticesOnRenewal() {
        assertTrue(lease.tryAcquire("replica-a", TTL).held());
        expireLease();

        assertTrue(lease.tryAcquire("replica-b", TTL).held());
        assertFalse(lease.renew("replica-a", TTL), "replica-a must stop polling");
        assertFalse(lease.tryAcquire("replica-a", TTL).held());
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
        assertNotNull(lease.read().lastSuccessAt());
        assertNotNull(lease.read().lastCompleteScanAt());
        double age = metrics.get("callingbox.poll.last.success.age").gauge().value();
        assertTrue(age >= 0 && age < 60, "seconds since the last successful poll: " + age);
        assertTrue(metrics.get("callingbox.poll.duration")
                        .tag("job", "all")
                        .timer()
                        .count()
                >= 1);

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
        assertEquals(null, lease.read().lastSuccessAt());
        assertEquals(null, lease.read().highWaterMark(), "an incomplete scan does not move the mark");
    }

    private void expireLease() {
        QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery("update poller_lease set expires_at = now() - interval '1 second'")
                        .executeUpdate());
    }
}
