package io.callingboxgateway.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callingboxgateway.model.CallField;
import io.callingboxgateway.model.Redaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Takes the personal data out of a call the store holds whole, for good (docs/decisions/0065): the call
 * row (model/Redaction#snapshot), every stored event of it (its {@code call} and the {@code before} and
 * {@code after} of its {@code changes}), and its transcript with the fetch still to try. Runs in the
 * caller's transaction, under the call's lock (the reconciler's, or the redaction sweep's), so no
 * writer sees the call half redacted.
 */
@ApplicationScoped
class StoredRedaction {

    /** The top-level fields a stored event's call keeps: the documented ones and the gateway's own. */
    private static final Set<String> KEPT_IN_EVENTS = keptInEvents();

    private final EntityManager em;
    private final ObjectMapper json;

    StoredRedaction(EntityManager em, ObjectMapper json) {
        this.em = em;
        this.json = json;
    }

    /** @return how many stored events were rewritten */
    int redact(Call call, Instant now) {
        call.redactInPlace(now);
        em.flush();
        int events = rewriteEvents(call);
        em.createNativeQuery("delete from call_transcript where call_id = :id")
                .setParameter("id", call.id())
                .executeUpdate();
        // Under the call's lock, which a fetch storing a transcript takes before its row: see
        // transcripts/TranscriptFetcher. A fetch under way finds the call redacted and stores nothing.
        em.createNativeQuery("delete from call_transcript_fetch where call_id = :id")
                .setParameter("id", call.id())
                .executeUpdate();
        return events;
    }

    private int rewriteEvents(Call call) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(
                        "select entry, cast(call as text), cast(changes as text) from call_event where call_id = :id")
                .setParameter("id", call.id())
                .getResultList();
        if (rows.isEmpty()) {
            return 0;
        }
        ArrayNode rewritten = json.createArrayNode();
        for (Object[] row : rows) {
            rewritten
                    .addObject()
                    .put("entry", ((Number) row[0]).longValue())
                    .<ObjectNode>set("call", storedCall(read((String) row[1])))
                    .set("changes", Redaction.changes(read((String) row[2])));
        }
        return em.createNativeQuery("""
                        update call_event e set call = r.call, changes = r.changes
                        from jsonb_to_recordset(cast(:rows as jsonb)) as r (entry bigint, call jsonb, changes jsonb)
                        where e.entry = r.entry
                        """).setParameter("rows", write(rewritten)).executeUpdate();
    }

    /**
     * An event's call as a redacted call is served: masked, and without the fields that only the object
     * as received had, since fields CallingBox adds later may hold personal data too.
     */
    private static JsonNode storedCall(JsonNode call) {
        JsonNode masked = Redaction.call(call);
        if (masked instanceof ObjectNode object) {
            for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
                if (!KEPT_IN_EVENTS.contains(names.next())) {
                    names.remove();
                }
            }
        }
        return masked;
    }

    private static Set<String> keptInEvents() {
        Set<String> kept = new HashSet<>();
        for (CallField field : CallField.values()) {
            kept.add(field.wireName());
        }
        kept.add("reconciliation");
        kept.add(Redaction.FLAG);
        return Set.copyOf(kept);
    }

    private JsonNode read(String value) {
        try {
            return json.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored event is not JSON", e);
        }
    }

    private String write(JsonNode value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write an event as JSON", e);
        }
    }
}
