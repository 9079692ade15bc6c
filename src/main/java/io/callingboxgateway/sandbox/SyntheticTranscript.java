package io.callingboxgateway.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the simulator answers to {@code GET /v1/calls/{id}/transcript}: a few made-up segments, in
 * CallingBox's shape, for a call that completed with a conversation; none for any other call (CallingBox
 * answers 404 then).
 */
final class SyntheticTranscript {

    private static final List<String[]> LINES = List.of(
            new String[] {"agent", "Hello, this is the sandbox agent calling about your appointment."},
            new String[] {"user", "Hi. Yes, I can talk now."},
            new String[] {"agent", "Does Tuesday at ten still work for you?"},
            new String[] {"user", "Tuesday at ten is fine, thank you."});

    private SyntheticTranscript() {}

    /** The transcript of this simulated call, or empty when it did not end with a conversation. */
    static Optional<ObjectNode> of(ObjectNode call, ObjectMapper json) {
        if (!"completed".equals(call.path("status").asText())
                || !call.path("answered_at").isTextual()
                || "machine".equals(call.path("answered_by").asText(null))) {
            return Optional.empty();
        }
        Instant answered = Instant.parse(call.get("answered_at").asText());
        ObjectNode transcript = json.createObjectNode();
        transcript.set("call_id", call.get("id"));
        ArrayNode segments = transcript.putArray("segments");
        Instant at = answered.plusMillis(500);
        for (int i = 0; i < LINES.size(); i++) {
            String[] line = LINES.get(i);
            Duration spoken = Duration.ofMillis(600L + 60L * line[1].length());
            segments.addObject()
                    .put("sequence_no", i + 1)
                    .put("role", line[0])
                    .put("text", line[1])
                    .put("started_at", at.toString())
                    .put("ended_at", at.plus(spoken).toString())
                    .put("duration_ms", spoken.toMillis())
                    .put("source", "agent".equals(line[0]) ? "tts" : "stt");
            at = at.plus(spoken).plusMillis(400);
        }
        return Optional.of(transcript);
    }
}
