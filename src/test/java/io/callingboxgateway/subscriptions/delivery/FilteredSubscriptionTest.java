package io.callingboxgateway.subscriptions.delivery;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.subscriptions.SubscriptionApi;
import io.callingboxgateway.subscriptions.SubscriptionApi.Subscribed;
import io.callingboxgateway.testing.FilterableCall;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.Receiver;
import io.callingboxgateway.testing.Receiver.Push;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A subscription's {@code filter}: only events whose call matched right after them are pushed; the
 * others are passed over, so the subscription still catches up with the head.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class FilteredSubscriptionTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String INVALID = "urn:callingbox-gateway:problem:invalid-request";

    @Inject
    Reconciler reconciler;

    @Inject
    TestDatabase db;

    private Receiver receiver;
    private String team;

    @BeforeEach
    void setUp() {
        db.update("delete from subscription");
        receiver = Receiver.start();
        team = FilterableCall.newTeam();
    }

    @AfterEach
    void cleanUp() {
        db.update("delete from subscription");
        receiver.close();
    }

    @Test
    void onlyEventsWhoseCallMatchesArePushedAndTheFilterIsShown() {
        Map<String, Object> filter = Map.of("status", List.of("completed"), "metadata.team", team);
        String id = SubscriptionApi.create(Map.of("url", receiver.url(), "filter", filter))
                .statusCode(201)
                .body("filter.status", equalTo(List.of("completed")))
                .body("filter.'metadata.team'", equalTo(team))
                .extract()
                .path("id");
        Subscribed subscription = new Subscribed(id, null);

        FilterableCall wanted = FilterableCall.queued(reconciler, team).to(reconciler, "completed");
        FilterableCall.queued(reconciler, team).to(reconciler, "no_answer");
        FilterableCall.queued(reconciler, "other-" + team).to(reconciler, "completed");
        long head = db.head();

        await().atMost(PATIENCE).until(() -> SubscriptionApi.state(subscription).getLong("position") == head);
        List<Push> pushes = receiver.pushes();
        assertEquals(1, pushes.size(), "only the completion of the team's completed call");
        assertEquals(wanted.id.toString(), pushes.get(0).callId());
        assertEquals("completed", pushes.get(0).event().at("/call/status").asText());
        assertEquals("call.status_changed", pushes.get(0).type());
    }

    @Test
    void aPatchedFilterAppliesToTheEventsAfterIt() {
        String id = SubscriptionApi.create(Map.of("url", receiver.url(), "filter", Map.of("metadata.team", team)))
                .statusCode(201)
                .extract()
                .path("id");
        Subscribed subscription = new Subscribed(id, null);
        FilterableCall first = FilterableCall.queued(reconciler, team);
        await().atMost(PATIENCE).until(() -> receiver.pushes().size() == 1);

        String other = "other-" + team;
        SubscriptionApi.patch(id, Map.of("filter", Map.of("metadata.team", other, "direction", "outbound")))
                .statusCode(200)
                .body("filter.'metadata.team'", equalTo(other))
                .body("filter.direction", equalTo("outbound"));
        FilterableCall.queued(reconciler, team);
        FilterableCall second = FilterableCall.queued(reconciler, other);
        long head = db.head();
        await().atMost(PATIENCE).until(() -> SubscriptionApi.state(subscription).getLong("position") == head);
        assertEquals(
                List.of(first.id.toString(), second.id.toString()),
                receiver.pushes().stream().map(Push::callId).toList());

        SubscriptionApi.patch(id, Map.of("filter", Map.of())).statusCode(200).body("filter", equalTo(Map.of()));
    }

    @Test
    void anInvalidFilterIsRefusedNamingItsKeyAndCreatesNothing() {
        Map<Object, String> refused = Map.of(
                Map.of("status", List.of("completed", "bogus")), "filter.status",
                Map.of("status", List.of()), "filter.status",
                Map.of("to_number", "555"), "filter.to_number",
                Map.of("agent_id", 7), "filter.agent_id",
                Map.of("metadata.team", Map.of("a", 1)), "filter.metadata.team",
                Map.of("colour", "red"), "filter.colour",
                List.of("status"), "filter");
        refused.forEach((filter, field) -> SubscriptionApi.create(Map.of("url", receiver.url(), "filter", filter))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo(INVALID))
                .body("parameter", equalTo(field)));
        assertEquals(0, db.queryLong("select count(*) from subscription"));
    }
}
