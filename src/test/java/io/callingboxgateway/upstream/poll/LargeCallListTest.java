package io.callingboxgateway.upstream.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.testing.CallListGenerator;
import io.callingboxgateway.testing.CallingBoxWireMock;
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
import java.time.temporal.ChronoUnit;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A list of 100,000 calls, generated as it is read: discovery must stream it, never hold it. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = CallingBoxWireMock.class, scope = TestResourceScope.GLOBAL)
class LargeCallListTest {

    static final Logger LOG = Logger.getLogger(LargeCallListTest.class);
    static final String REPLICA = "replica-large-list-test";
    static final int CALLS = 100_000;

    @Inject
    CallDiscovery discovery;

    @Inject
    PollerLease lease;

    @Inject
    PollProgress progress;

    @Inject
    EntityManager em;

    @Inject
    CircuitBreakerMaintenance breakers;

    Instant now;

    @BeforeEach
    void reset() {
        UpstreamFixtures.emptyStore(em);
        CallingBoxWireMock.server().resetAll();
        breakers.reset(CallingBoxClient.BREAKER);
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/calls"))
                        .willReturn(okJson("[]").withTransformers(CallListGenerator.NAME)));
        now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        lease.tryAcquire(REPLICA, Duration.ofMinutes(2));
    }

    @Test
    void discoveryStopsReadingOncePastTheHighWaterMark() {
        CallListGenerator.Spec list = new CallListGenerator.Spec(CALLS, now.minusSeconds(60), Duration.ofMinutes(1), 0);
        CallListGenerator.serve(list);
        setHighWaterMark(list.newest());

        CallDiscovery.Report report = discovery.discover(REPLICA, now, () -> true);

        long whole = CallListGenerator.fullLength(list);
        LOG.infof(
                "Early stop: read %d of %d calls; the server sent %d of %d bytes",
                report.read(), CALLS, CallListGenerator.bytesServed(), whole);
        assertTrue(report.stoppedEarly());
        assertEquals(12, report.read(), "10 minutes of overlap at one call a minute, the mark, and the first below");
        assertEquals(11, report.applied());
        assertFalse(CallListGenerator.completed());
        assertTrue(
                CallListGenerator.bytesServed() < whole / 10,
                "the connection was dropped early: " + CallListGenerator.bytesServed() + " of " + whole + " bytes");
    }

    @Test
    void aFirstFullScanOfOldCallsReadsTheWholeListWithBoundedMemory() {
        CallListGenerator.Spec list =
                new CallListGenerator.Spec(CALLS, now.minus(Duration.ofDays(31)), Duration.ofSeconds(20), 0);
        CallListGenerator.serve(list);
        Runtime runtime = Runtime.getRuntime();
        long heapBefore = runtime.totalMemory() - runtime.freeMemory();
        long started = System.nanoTime();

        CallDiscovery.Report report = discovery.discover(REPLICA, now, () -> true);

        long heapAfter = runtime.totalMemory() - runtime.freeMemory();
        long whole = CallListGenerator.fullLength(list);
        LOG.infof(
                "Full scan: %d calls, %d bytes in %d ms; heap used %d MB before, %d MB after (max heap %d MB)",
                report.read(),
                CallListGenerator.bytesServed(),
                (System.nanoTime() - started) / 1_000_000,
                heapBefore >> 20,
                heapAfter >> 20,
                runtime.maxMemory() >> 20);
        assertFalse(report.stoppedEarly());
        assertEquals(CALLS, report.read());
        assertEquals(CALLS, report.olderThanBackfill());
        assertEquals(0, report.applied());
        assertEquals(1, report.maxHeld(), "one call at a time");
        assertTrue(CallListGenerator.completed());
        assertEquals(whole, CallListGenerator.bytesServed());
        assertEquals(list.newest(), progress.read().highWaterMark());
    }

    private void setHighWaterMark(Instant mark) {
        QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery("update poller_lease set high_water_mark = :mark")
                        .setParameter("mark", mark)
                        .executeUpdate());
    }
}
