package io.callingboxgateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.model.Redaction;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The decision log of one call, a page at a time: every snapshot judged, oldest first, and what it
 * changed.
 *
 * @param nextCursor the {@code after} of the next page, or null on the last page
 */
public record CallHistory(List<Decision> data, boolean hasMore, String nextCursor) {

    /** This history as a reader without {@code pii:read} sees it: every change masked. */
    CallHistory masked() {
        return new CallHistory(data.stream().map(Decision::masked).toList(), hasMore, nextCursor);
    }

    /**
     * One snapshot and its fate.
     *
     * @param outcome created, applied, duplicate or stale
     * @param reason why, in words, for the snapshots that changed nothing
     * @param events the events this snapshot produced (none when ignored)
     */
    public record Decision(
            Instant decidedAt,
            String source,
            UUID upstreamEventId,
            String outcome,
            String reason,
            String snapshotStatus,
            Instant snapshotUpdatedAt,
            List<String> changedFields,
            List<Change> events) {

        Decision masked() {
            List<Change> masked = events.stream()
                    .map(e -> new Change(e.id(), e.type(), Redaction.changes(e.changes())))
                    .toList();
            return new Decision(
                    decidedAt,
                    source,
                    upstreamEventId,
                    outcome,
                    reason,
                    snapshotStatus,
                    snapshotUpdatedAt,
                    changedFields,
                    masked);
        }
    }

    public record Change(long id, String type, JsonNode changes) {}
}
