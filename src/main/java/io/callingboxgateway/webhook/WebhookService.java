package io.callingboxgateway.webhook;

import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;

/** The durable half of a webhook: its receipt and its effect on the call, committed together. */
@ApplicationScoped
public class WebhookService {

    private final EntityManager em;
    private final Reconciler reconciler;

    WebhookService(EntityManager em, Reconciler reconciler) {
        this.em = em;
        this.reconciler = reconciler;
    }

    /**
     * Records the event id and applies the call in one transaction. An id already recorded makes this a
     * no-op; a concurrent delivery of the same id waits on the receipt's key until the first commits.
     * Waiting for a poll that is writing the same call is the reconciler's per-call lock, never a refusal.
     */
    @Transactional
    public WebhookAck apply(WebhookEnvelope envelope) {
        int recorded = em.createNativeQuery("""
                        insert into webhook_receipt (event_id, call_id, type, received_at)
                        values (:eventId, :callId, :type, now())
                        on conflict (event_id) do nothing
                        """)
                .setParameter("eventId", envelope.id())
                .setParameter("callId", envelope.call().id())
                .setParameter("type", envelope.type())
                .executeUpdate();
        if (recorded == 0) {
            return WebhookAck.redelivery();
        }
        return WebhookAck.applied(reconciler.apply(envelope.call(), Source.WEBHOOK, envelope.id()));
    }

    /** Deletes up to {@code batchSize} receipts received before {@code cutoff}, oldest first. */
    @Transactional
    public int purgeReceipts(Duration retention, int batchSize) {
        return em.createNativeQuery("""
                        delete from webhook_receipt
                        where event_id in (
                            select event_id from webhook_receipt
                            where received_at < now() - :retentionMs * interval '1 millisecond'
                            order by received_at
                            limit :batch
                            for update skip locked)
                        """)
                .setParameter("retentionMs", retention.toMillis())
                .setParameter("batch", batchSize)
                .executeUpdate();
    }
}
