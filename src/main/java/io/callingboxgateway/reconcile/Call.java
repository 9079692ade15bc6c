package io.callingboxgateway.reconcile;

import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.model.CallView;
import io.callingboxgateway.model.Redaction;
import io.callingboxgateway.reconcile.CallMerge.Reconciled;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/**
 * One reconciled CallingBox call: the upstream call object as the merge decided it, plus what the
 * gateway itself knows about how and when it learned of it. Enumerated fields are plain strings on
 * purpose: a status CallingBox introduces later must be stored, not rejected.
 *
 * <p>Only the reconciler writes a call, and by construction: the state is private and every mutator
 * is package-private, so the read side ({@code calls/}, {@code events/}) can only read it.
 */
@Entity
@Table(name = "call")
public class Call extends PanacheEntityBase {

    @Id
    private UUID id;

    /** The upstream fields, one column each; {@code id} is the key above, written once through it. */
    @Embedded
    @AttributeOverride(name = "id", column = @Column(name = "id", insertable = false, updatable = false))
    private CallSnapshot upstream;

    private Instant firstSeenAt;
    private String firstSeenVia;
    private Instant lastWebhookAt;
    private Instant lastPolledAt;
    private Instant resultUpdatedAt;
    private Instant webhookUpdatedAt;
    private int lastEventSeq;
    private Instant redactedAt;

    @Version
    private long version;

    /** For Hibernate, which loads a call; a new one is made by {@link #firstSeen}. */
    protected Call() {}

    static Call firstSeen(UUID id, Source source, Instant now) {
        Call call = new Call();
        call.id = id;
        call.firstSeenAt = now;
        call.firstSeenVia = source == Source.WEBHOOK ? "webhook" : "poll";
        return call;
    }

    public UUID id() {
        return id;
    }

    /** The upstream call object as reconciled; null only on a call not yet merged. */
    public CallSnapshot snapshot() {
        return upstream;
    }

    public Instant firstSeenAt() {
        return firstSeenAt;
    }

    public String firstSeenVia() {
        return firstSeenVia;
    }

    public Instant lastWebhookAt() {
        return lastWebhookAt;
    }

    public Instant lastPolledAt() {
        return lastPolledAt;
    }

    /** When the call lost its personal data for good (model/Redaction), or null while it is whole. */
    public Instant redactedAt() {
        return redactedAt;
    }

    /**
     * The call as {@code GET /calls/{id}} serves it and an event carries it; a call kept redacted reads
     * {@code "redacted": true} to every reader, {@code pii:read} or not.
     */
    public CallView view() {
        CallView view = CallView.of(upstream, firstSeenVia, firstSeenAt, lastWebhookAt, lastPolledAt);
        return redactedAt == null ? view : view.masked();
    }

    /** Grows with every write of the row: the entity tag of {@code GET /calls/{id}}. */
    public long version() {
        return version;
    }

    /** The merge's stored state: the call plus the {@code updated_at} that decided each side group. */
    Reconciled reconciled() {
        return new Reconciled(upstream, resultUpdatedAt, webhookUpdatedAt);
    }

    /** Takes the merge's verdict; the gateway's own columns are left alone. */
    void take(Reconciled next) {
        upstream = next.call();
        resultUpdatedAt = next.resultUpdatedAt();
        webhookUpdatedAt = next.webhookUpdatedAt();
    }

    /** Marks the call as kept without personal data from now on; the first time counts. */
    void redactedFrom(Instant now) {
        if (redactedAt == null) {
            redactedAt = now;
        }
    }

    /** Drops the call's personal data for good (model/Redaction): numbers masked, content and raw gone. */
    void redactInPlace(Instant now) {
        upstream = Redaction.snapshot(upstream);
        redactedFrom(now);
    }

    void heardVia(Source source, Instant now) {
        if (source == Source.WEBHOOK) {
            lastWebhookAt = now;
        } else {
            lastPolledAt = now;
        }
    }

    /** Reserves the call's next {@code count} event positions and returns the last one before them. */
    int reserveEventSeqs(int count) {
        int before = lastEventSeq;
        lastEventSeq += count;
        return before;
    }
}
