package io.callingboxgateway.upstream.poll;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.calls.CallSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Read-only looks at the store, so discovery can skip what the reconciler would not change. */
@ApplicationScoped
public class StoredCalls {

    /** Every upstream field of the call object, which is also its column name in {@code call}. */
    static final String UPSTREAM_COLUMNS = """
            agent_id, to_number, from_number, status, direction, answered_by, persona, instructions, prompt,
            context, returns, result, result_status, result_error, language, webhook_url, webhook_status,
            webhook_error, created_at, started_at, answered_at, ended_at, duration_seconds,
            billed_duration_seconds, billing_amount_milli_cents, reservation_status, error_code, error_message,
            hangup_cause, metadata, updated_at""";

    private final EntityManager em;
    private final ObjectMapper json;

    StoredCalls(EntityManager em, ObjectMapper json) {
        this.em = em;
        this.json = json;
    }

    /**
     * The ids of those {@code calls} the store already holds exactly as given, in one query. The
     * comparison runs in PostgreSQL: the batch goes over as one JSON array, whose snake_case keys are
     * the column names, and is compared column by column ({@code jsonb} columns by value), so no
     * stored row is loaded into the JVM.
     */
    @Transactional
    @SuppressWarnings("unchecked")
    public Set<UUID> identical(List<CallSnapshot> calls) {
        if (calls.isEmpty()) {
            return Set.of();
        }
        String batch;
        try {
            batch = json.writeValueAsString(calls);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a call snapshot could not be written as JSON", e);
        }
        String columns = UPSTREAM_COLUMNS.replace("\n", " ");
        List<UUID> same = em.createNativeQuery(
                        "select c.id from jsonb_populate_recordset(null::call, cast(:batch as jsonb)) s"
                                + " join call c on c.id = s.id"
                                + " where row(" + prefixed("c", columns) + ") is not distinct from row("
                                + prefixed("s", columns) + ")")
                .setParameter("batch", batch)
                .getResultList();
        return new HashSet<>(same);
    }

    @Transactional
    public boolean isEmpty() {
        return !(Boolean)
                em.createNativeQuery("select exists (select 1 from call)").getSingleResult();
    }

    private static String prefixed(String alias, String columns) {
        StringBuilder out = new StringBuilder();
        for (String column : columns.split(",")) {
            if (out.length() > 0) out.append(", ");
            out.append(alias).append('.').append(column.strip());
        }
        return out.toString();
    }
}
