package io.callingboxgateway.testing;

import static io.callingboxgateway.model.CallField.AGENT_ID;
import static io.callingboxgateway.model.CallField.METADATA;
import static io.callingboxgateway.model.CallField.STATUS;
import static io.callingboxgateway.model.CallField.TO_NUMBER;
import static io.callingboxgateway.model.CallField.UPDATED_AT;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A call with the fields the event filters test set to values no other test uses (a fresh number and
 * metadata team), so a filter on them selects this test's events only. It is created queued and can be
 * moved on: each step is one or more events.
 */
public final class FilterableCall {

    public final UUID id = UUID.randomUUID();
    public final String toNumber = "+1555" + digits(7);
    public final UUID agentId = UUID.randomUUID();
    public final String team;
    private CallSnapshot current;

    private FilterableCall(String team) {
        this.team = team;
    }

    /** A fresh team name for a test. */
    public static String newTeam() {
        return "team-" + digits(9);
    }

    /** A new queued call of {@code team}, with {@code metadata.priority} 2: one {@code call.created} event. */
    public static FilterableCall queued(Reconciler reconciler, String team) {
        FilterableCall call = new FilterableCall(team);
        ObjectNode metadata =
                JsonNodeFactory.instance.objectNode().put("team", team).put("priority", 2);
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        call.current = CallBuilder.queued(call.id, at)
                .set(TO_NUMBER, call.toNumber)
                .set(AGENT_ID, call.agentId)
                .set(METADATA, metadata)
                .build();
        reconciler.apply(call.current, Source.POLL, null);
        return call;
    }

    /** Moves the call to {@code status}: one {@code call.status_changed} event. */
    public FilterableCall to(Reconciler reconciler, String status) {
        Instant at = current.updatedAt().plusSeconds(10);
        current = CallBuilder.next(current, c -> c.set(STATUS, status).set(UPDATED_AT, at));
        reconciler.apply(current, Source.POLL, null);
        return this;
    }

    private static String digits(int count) {
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < count; i++) {
            digits.append(ThreadLocalRandom.current().nextInt(10));
        }
        return digits.toString();
    }
}
