package io.callingboxgateway.webhook;

import io.callingboxgateway.reconcile.CallMerge.Outcome;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Reconciler.Heard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/** The durable half of webhooks: their receipts and their effects on the calls, committed together. */
@ApplicationScoped
public class WebhookService {

    private final EntityManager em;
    private final Reconciler reconciler;

    WebhookService(EntityManager em, Reconciler reconciler) {
        this.em = em;
        this.reconciler = reconciler;
    }

    /**
     * Stores a batch of webhooks in one transaction: every receipt, then the effect of each new one on
     * its call. An envelope id already recorded, or met earlier in the same batch, is a redelivery and
     * changes nothing; a concurrent delivery of the same id in another batch waits on the receipt's key
     * until the first commits. Waiting for a poll that is writing the same call is the reconciler's
     * per-call lock, never a refusal. Any failure rolls the whole batch back; {@link GroupCommit} then
     * decides who gets which answer.
     *
     * @return one answer per webhook, in batch order
     */
    @Transactional
    public List<WebhookAck> applyAll(List<QueuedWebhook> batch) {
        Set<UUID> recorded = recordReceipts(batch);
        List<Heard> heard = new ArrayList<>(batch.size());
        boolean[] applied = new boolean[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            WebhookEnvelope envelope = batch.get(i).envelope();
            // remove: a second envelope with the same id in this batch is a redelivery of the first
            if (recorded.remove(envelope.id())) {
                heard.add(new Heard(envelope.call(), envelope.id(), batch.get(i).trace()));
                applied[i] = true;
            }
        }
        Iterator<Outcome> outcomes = heard.isEmpty()
                ? Collections.emptyIterator()
                : reconciler.applyHeard(heard).iterator();
        List<WebhookAck> acks = new ArrayList<>(batch.size());
        for (boolean isNew : applied) {
            acks.add(isNew ? WebhookAck.applied(outcomes.next()) : WebhookAck.redelivery());
        }
        return acks;
    }

    /**
     * Inserts the batch's receipts in one statement, in envelope-id order: two batches holding the same
     * ids (a redelivery racing its original) then wait for each other's keys in the same order, never in
     * a circle.
     *
     * @return the envelope ids this transaction recorded, i.e. not seen before
     */
    private Set<UUID> recordReceipts(List<QueuedWebhook> batch) {
        Map<UUID, WebhookEnvelope> byId = new TreeMap<>();
        batch.forEach(webhook -> byId.putIfAbsent(webhook.envelope().id(), webhook.envelope()));
        List<WebhookEnvelope> envelopes = List.copyOf(byId.values());
        @SuppressWarnings("unchecked")
        List<UUID> recorded = em.createNativeQuery("""
                        insert into webhook_receipt (event_id, call_id, type, received_at)
                        select r.event_id, r.call_id, r.type, now()
                        from unnest(cast(:eventIds as uuid[]), cast(:callIds as uuid[]), cast(:types as text[]))
                            with ordinality r (event_id, call_id, type, ord)
                        order by r.ord
                        on conflict (event_id) do nothing
                        returning event_id
                        """)
                .setParameter(
                        "eventIds", envelopes.stream().map(WebhookEnvelope::id).toArray(UUID[]::new))
                .setParameter(
                        "callIds", envelopes.stream().map(e -> e.call().id()).toArray(UUID[]::new))
                .setParameter(
                        "types", envelopes.stream().map(WebhookEnvelope::type).toArray(String[]::new))
                .getResultList();
        return new HashSet<>(recorded);
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
