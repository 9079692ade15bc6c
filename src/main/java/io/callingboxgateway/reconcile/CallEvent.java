package io.callingboxgateway.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One accepted change of one call: a row of the event log that consumers follow. */
@Entity
@Table(name = "call_event")
public class CallEvent extends PanacheEntityBase {

    public static final String CREATED = "call.created";
    public static final String STATUS_CHANGED = "call.status_changed";
    public static final String RESULT_READY = "call.result_ready";
    public static final String WEBHOOK_STATUS_CHANGED = "call.webhook_status_changed";
    public static final String UPDATED = "call.updated";
    /** The call's transcript was fetched and stored (GET /calls/{id}/transcript); carries no text of it. */
    public static final String TRANSCRIPT_READY = "call.transcript_ready";
    /**
     * Everything the gateway held about the call was erased on request (POST /erasures); carries the
     * call id only ({@code call} and {@code changes} null), so consumers can erase their copies too.
     */
    public static final String ERASED = "call.erased";

    /** Insert key, from a plain sequence when written; follows the event order within a call. */
    @Id
    public long entry;

    /**
     * Global position in the feed, given after commit by the sequencer (V64); null until then, and
     * readers only ever see numbered events.
     */
    public Long id;

    public UUID callId;
    /** Position within the call's own history, from 1. */
    public int callSeq;

    public String type;
    public String source;
    public UUID upstreamEventId;
    public boolean missedWebhook;
    public boolean statusConflict;

    /** {@code {"field": {"before": ..., "after": ...}}} for the fields this event changed. */
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode changes;

    /** The whole reconciled call after the change, as {@code GET /calls/{id}} shows it. */
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode call;

    public Instant occurredAt;
}
