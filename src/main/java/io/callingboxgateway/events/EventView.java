package io.callingboxgateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.model.Redaction;
import io.callingboxgateway.reconcile.CallEvent;
import java.time.Instant;
import java.util.UUID;

/**
 * One reconciled call event as consumers receive it. {@code id} is the event's position in the global
 * order and doubles as a cursor: {@code GET /events?after=<id>} continues right after it.
 */
public record EventView(
        long id,
        String type,
        UUID callId,
        int callSeq,
        Instant occurredAt,
        String source,
        UUID upstreamEventId,
        boolean missedWebhook,
        boolean statusConflict,
        JsonNode changes,
        JsonNode call) {

    /** This event as a reader without {@code pii:read} sees it: its call and changes masked. */
    public EventView masked() {
        return new EventView(
                id,
                type,
                callId,
                callSeq,
                occurredAt,
                source,
                upstreamEventId,
                missedWebhook,
                statusConflict,
                Redaction.changes(changes),
                Redaction.call(call));
    }

    /** This event as the given reader may see it. */
    public EventView as(boolean personalData) {
        return personalData ? this : masked();
    }

    static EventView of(CallEvent event) {
        return new EventView(
                event.id,
                event.type,
                event.callId,
                event.callSeq,
                event.occurredAt,
                event.source,
                event.upstreamEventId,
                event.missedWebhook,
                event.statusConflict,
                event.changes,
                event.call);
    }
}
