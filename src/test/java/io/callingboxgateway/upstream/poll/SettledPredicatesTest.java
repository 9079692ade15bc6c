package io.callingboxgateway.upstream.poll;

import static io.callingboxgateway.model.CallField.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.callingboxgateway.model.CallLifecycle;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.model.CallStatus;
import io.callingboxgateway.testing.CallBuilder;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The settled rule lives three times: in Java ({@link CallLifecycle#isSettled}), in the refresh
 * schedule's SQL ({@link RefreshSchedule#UNSETTLED}) and in the migration's {@code call_unsettled_idx}
 * predicate, read back from the running database. Over every combination of the fields the rule reads,
 * all three must pick the same calls, or the schedule would re-read settled calls forever, drop
 * unsettled ones, or stop using the index.
 */
@QuarkusTest
class SettledPredicatesTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    @Test
    void javaRefreshScheduleAndIndexAgreeOnEveryCombination() {
        List<CallSnapshot> calls = combinations();
        Set<Integer> unsettledInJava = IntStream.range(0, calls.size())
                .filter(i -> !CallLifecycle.isSettled(calls.get(i)))
                .boxed()
                .collect(Collectors.toCollection(TreeSet::new));
        String indexPredicate = QuarkusTransaction.requiringNew()
                .call(() -> (String) em.createNativeQuery("""
                        select pg_get_expr(i.indpred, i.indrelid) from pg_index i
                         where i.indexrelid = cast('call_unsettled_idx' as regclass)""").getSingleResult());

        assertTrue(unsettledInJava.size() > 0 && unsettledInJava.size() < calls.size(), "both kinds are generated");
        assertEquals(unsettledInJava, matching(calls, RefreshSchedule.UNSETTLED), "RefreshSchedule.UNSETTLED");
        assertEquals(unsettledInJava, matching(calls, indexPredicate), "call_unsettled_idx: " + indexPredicate);
    }

    /** Every status (documented, and one added later) against every value of the fields the rule reads. */
    private static List<CallSnapshot> combinations() {
        List<String> statuses = new ArrayList<>(
                Arrays.stream(CallStatus.values()).map(CallStatus::wireName).toList());
        statuses.add("voicemail_detected");
        List<CallSnapshot> calls = new ArrayList<>();
        for (String status : statuses) {
            for (String resultStatus : Arrays.asList(null, "pending", "completed", "failed", "partial")) {
                for (Instant answeredAt : Arrays.asList(null, T0.plusSeconds(9))) {
                    for (String answeredBy : Arrays.asList(null, "human", "machine")) {
                        for (String webhookUrl : Arrays.asList(null, "https://consumer.example/hooks")) {
                            for (String webhookStatus :
                                    Arrays.asList(null, "none", "pending", "delivered", "failed", "retrying")) {
                                calls.add(CallBuilder.queued(UUID.randomUUID(), T0)
                                        .set(STATUS, status)
                                        .set(RESULT_STATUS, resultStatus)
                                        .set(ANSWERED_AT, answeredAt)
                                        .set(ANSWERED_BY, answeredBy)
                                        .set(WEBHOOK_URL, webhookUrl)
                                        .set(WEBHOOK_STATUS, webhookStatus)
                                        .build());
                            }
                        }
                    }
                }
            }
        }
        return calls;
    }

    /** The positions of the calls a predicate over the call table's columns (alias {@code c}) selects. */
    @SuppressWarnings("unchecked")
    private Set<Integer> matching(List<CallSnapshot> calls, String predicate) {
        ArrayNode rows = json.createArrayNode();
        for (int i = 0; i < calls.size(); i++) {
            CallSnapshot call = calls.get(i);
            rows.addObject()
                    .put("n", i)
                    .put("status", call.status())
                    .put("result_status", call.resultStatus())
                    .put(
                            "answered_at",
                            call.answeredAt() == null ? null : call.answeredAt().toString())
                    .put("answered_by", call.answeredBy())
                    .put("webhook_url", call.webhookUrl())
                    .put("webhook_status", call.webhookStatus());
        }
        List<Number> selected = QuarkusTransaction.requiringNew()
                .call(() -> em.createNativeQuery("select c.n from jsonb_to_recordset(cast(:rows as jsonb)) as c ("
                                + "n int, status text, result_status text, answered_at timestamptz, answered_by text,"
                                + " webhook_url text, webhook_status text) where " + predicate)
                        .setParameter("rows", rows.toString())
                        .getResultList());
        return selected.stream().map(Number::intValue).collect(Collectors.toCollection(TreeSet::new));
    }
}
