package io.callingboxgateway.transcripts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The stored transcripts ({@code call_transcript}): segments kept as CallingBox sent them. */
@ApplicationScoped
class TranscriptStore {

    private final EntityManager em;
    private final ObjectMapper json;

    TranscriptStore(EntityManager em, ObjectMapper json) {
        this.em = em;
        this.json = json;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    void save(UUID callId, ArrayNode segments, Instant now) {
        em.createNativeQuery("""
                        insert into call_transcript (call_id, segments, fetched_at)
                        values (:id, cast(:segments as jsonb), :now)
                        on conflict (call_id) do update set segments = excluded.segments, fetched_at = excluded.fetched_at
                        """)
                .setParameter("id", callId)
                .setParameter("segments", write(segments))
                .setParameter("now", now)
                .executeUpdate();
    }

    /** The segments of a call's transcript, or empty when none is stored. */
    @Transactional
    Optional<JsonNode> segments(UUID callId) {
        @SuppressWarnings("unchecked")
        List<String> rows = em.createNativeQuery(
                        "select cast(segments as text) from call_transcript where call_id = :id")
                .setParameter("id", callId)
                .getResultList();
        return rows.stream().findFirst().map(this::read);
    }

    private String write(JsonNode value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write a transcript as JSON", e);
        }
    }

    private JsonNode read(String value) {
        try {
            return json.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored transcript is not JSON", e);
        }
    }
}
