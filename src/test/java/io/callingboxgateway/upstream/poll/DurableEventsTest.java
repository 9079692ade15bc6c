package io.callingboxgateway.upstream.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.callingboxgateway.upstream.UpstreamFixtures.completed;
import static io.callingboxgateway.upstream.UpstreamFixtures.inProgress;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.testing.CallingBoxWireMock;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.SignedWebhook;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every transaction that writes events commits durably: a consumer never sees an event that a
 * PostgreSQL crash could take back (and whose id the next writer would then reuse).
 *
 * <p>Observed in the database, not in the code: a deferred trigger on the event log records the
 * {@code synchronous_commit} in force when each event's transaction commits, whatever set it. (The test
 * database runs with {@code synchronous_commit = off} for speed, as many a tuned server does; the
 * gateway's sessions override that, so this also proves the override.)
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = CallingBoxWireMock.class, scope = TestResourceScope.GLOBAL)
class DurableEventsTest {

    static final String REPLICA = "replica-durable-events-test";

    @Inject
    CallDiscovery discovery;

    @Inject
    CallRefresher refresher;

    @Inject
    PollerLease lease;

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    @Inject
    CircuitBreakerMaintenance breakers;

    @BeforeEach
    void watchCommits() {
        UpstreamFixtures.emptyStore(em);
        CallingBoxWireMock.server().resetAll();
        breakers.reset(CallingBoxClient.BREAKER);
        sql("create table commit_mode_probe (event_id bigint, source text, synchronous_commit text)");
        sql("""
                create function probe_commit_mode() returns trigger language plpgsql as $$
                begin
                    insert into commit_mode_probe values (new.id, new.source, current_setting('synchronous_commit'));
                    return null;
                end $$""");
        sql("""
                create constraint trigger probe_commit_mode after insert on call_event
                deferrable initially deferred for each row execute function probe_commit_mode()""");
    }

    @AfterEach
    void stopWatching() {
        sql("drop trigger if exists probe_commit_mode on call_event");
        sql("drop function if exists probe_commit_mode()");
        sql("drop table if exists commit_mode_probe");
    }

    @Test
    void backfillPollRefreshAndWebhookEventsAreAllCommittedDurably() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        lease.tryAcquire(REPLICA, Duration.ofMinutes(2));
        CallSnapshot first = inProgress(UUID.randomUUID(), now.minus(Duration.ofMinutes(3)));
        CallSnapshot second = inProgress(UUID.randomUUID(), now.minus(Duration.ofMinutes(2)));
        list(second, first);
        discovery.discover(REPLICA, now, () -> true); // backfill: the store was empty

        list(completed(second.id(), second.createdAt()), first);
        discovery.discover(REPLICA, now.plusSeconds(30), () -> true); // poll

        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/calls/" + first.id()))
                        .willReturn(okJson(UpstreamFixtures.json(json, completed(first.id(), first.createdAt())))));
        refresher.refresh(first.id(), now.plusSeconds(60)); // refresh

        SignedWebhook.post(SignedWebhook.envelope(
                        UUID.randomUUID(), "call.answered", UUID.randomUUID(), "in_progress", now))
                .statusCode(200);

        assertEquals(
                Map.of("backfill", "on", "poll", "on", "webhook", "on"), // refresh writes as "poll"
                commitModesBySource());
    }

    /** The distinct synchronous_commit values each event source committed with. */
    @SuppressWarnings("unchecked")
    private Map<String, String> commitModesBySource() {
        List<Object[]> rows = QuarkusTransaction.requiringNew()
                .call(() -> em.createNativeQuery(
                                "select source, string_agg(distinct synchronous_commit, ',' order by synchronous_commit)"
                                        + " from commit_mode_probe group by source")
                        .getResultList());
        Map<String, String> modes = new TreeMap<>();
        for (Object[] row : rows) {
            modes.put((String) row[0], (String) row[1]);
        }
        return modes;
    }

    private void sql(String statement) {
        QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery(statement).executeUpdate());
    }

    private void list(CallSnapshot... calls) {
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/calls")).willReturn(okJson(UpstreamFixtures.json(json, calls))));
    }
}
