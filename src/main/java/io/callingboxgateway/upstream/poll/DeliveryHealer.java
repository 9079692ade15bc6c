package io.callingboxgateway.upstream.poll;

import io.callingboxgateway.upstream.CallingBoxClient;
import io.callingboxgateway.upstream.WebhookDelivery;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hibernate.query.NativeQuery;
import org.jboss.logging.Logger;

/**
 * Asks CallingBox to redeliver webhook deliveries it gave up on ({@code exhausted}), a bounded number
 * per poll, each at most once: the list of those asked for is kept in {@code webhook_redelivery}.
 */
@ApplicationScoped
public class DeliveryHealer {

    private static final Logger LOG = Logger.getLogger(DeliveryHealer.class);

    /** The most deliveries one page of {@code GET /v1/webhook_deliveries} may hold. */
    static final int PAGE = 200;

    public record Report(int exhausted, int requested, int unknown) {}

    private final CallingBoxClient client;
    private final EntityManager em;
    private final MeterRegistry metrics;
    private final PollerConfig.Heal config;

    DeliveryHealer(CallingBoxClient client, EntityManager em, MeterRegistry metrics, PollerConfig config) {
        this.client = client;
        this.em = em;
        this.metrics = metrics;
        this.config = config.heal();
    }

    public Report heal(Instant now) {
        List<WebhookDelivery> exhausted = client.exhaustedDeliveries(config.endpointId(), PAGE);
        Set<UUID> asked =
                alreadyRequested(exhausted.stream().map(WebhookDelivery::id).toList());
        int requested = 0;
        int unknown = 0;
        for (WebhookDelivery delivery : exhausted) {
            if (requested >= config.redeliverBatch()) {
                break;
            }
            if (delivery.id() == null || asked.contains(delivery.id())) {
                continue;
            }
            boolean known = client.redeliver(delivery.id());
            record(delivery, known ? "requested" : "unknown", now);
            if (known) {
                requested++;
                metrics.counter("callingbox.redeliveries.requested").increment();
            } else {
                unknown++;
            }
        }
        if (requested > 0) {
            LOG.infof("Asked CallingBox to redeliver %d exhausted webhook deliveries", requested);
        }
        return new Report(exhausted.size(), requested, unknown);
    }

    @Transactional
    @SuppressWarnings("unchecked")
    Set<UUID> alreadyRequested(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(
                em.createNativeQuery("select delivery_id from webhook_redelivery where delivery_id in (:ids)")
                        .setParameter("ids", ids)
                        .getResultList());
    }

    @Transactional
    void record(WebhookDelivery delivery, String outcome, Instant now) {
        em.createNativeQuery("""
                        insert into webhook_redelivery (delivery_id, call_id, event_type, outcome, requested_at)
                        values (:id, :callId, :type, :outcome, :now)
                        on conflict (delivery_id) do nothing
                        """)
                .unwrap(NativeQuery.class)
                .setParameter("id", delivery.id(), UUID.class)
                .setParameter("callId", delivery.callId(), UUID.class)
                .setParameter("type", delivery.eventType(), String.class)
                .setParameter("outcome", outcome)
                .setParameter("now", now)
                .executeUpdate();
    }
}
