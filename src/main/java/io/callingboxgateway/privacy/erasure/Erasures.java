package io.callingboxgateway.privacy.erasure;

import io.callingboxgateway.database.Timestamps;
import io.callingboxgateway.events.EventWindow;
import io.callingboxgateway.reconcile.Reconciler;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Erasure on request: every trace of the matching calls deleted, one transaction per call under the
 * reconciler's lock of that call (so a webhook or poll of it waits, then finds it erased), a
 * {@code call.erased} event per erased call, and an audit record that never holds the number.
 */
@ApplicationScoped
public class Erasures {

    private static final Logger LOG = Logger.getLogger(Erasures.class);

    private final EntityManager em;
    private final Reconciler reconciler;
    private final CallTraces traces;
    private final ErasureKey key;
    private final MeterRegistry metrics;
    private final EventWindow window;

    Erasures(
            EntityManager em,
            Reconciler reconciler,
            CallTraces traces,
            ErasureKey key,
            MeterRegistry metrics,
            EventWindow window) {
        this.window = window;
        this.em = em;
        this.reconciler = reconciler;
        this.traces = traces;
        this.key = key;
        this.metrics = metrics;
    }

    ErasureView erase(ErasureRequest request, String requestedBy) {
        Instant requestedAt = now();
        List<UUID> calls = request.callId() != null ? List.of(request.callId()) : callsWith(request.phoneNumber());
        Counts total = Counts.NONE;
        for (UUID call : calls) {
            total = total.plus(eraseOne(call));
        }
        Counts erased = total;
        ErasureView record =
                QuarkusTransaction.requiringNew().call(() -> record(request, erased, requestedAt, requestedBy));
        metrics.counter("gateway.erasures", "kind", request.kind()).increment();
        metrics.counter("gateway.erasures.calls").increment(erased.calls());
        LOG.infof(
                "Erasure %s (%s) erased %d calls, %d events, %d decisions, %d receipts, %d transcripts, %d deliveries",
                record.id(),
                request.kind(),
                erased.calls(),
                erased.events(),
                erased.decisions(),
                erased.receipts(),
                erased.transcripts(),
                erased.deliveries());
        return record;
    }

    /** One call, in its own transaction: a request for many calls holds no lock longer than one call's. */
    private Counts eraseOne(UUID callId) {
        Counts counts = QuarkusTransaction.requiringNew().call(() -> {
            Counts[] erased = {Counts.NONE};
            reconciler.erase(callId, () -> {
                erased[0] = traces.erase(callId);
                return erased[0].any();
            });
            return erased[0];
        });
        if (counts.events() > 0) {
            window.forget(callId);
        }
        return counts;
    }

    @SuppressWarnings("unchecked")
    private List<UUID> callsWith(String number) {
        return QuarkusTransaction.requiringNew()
                .call(() -> em.createNativeQuery(
                                "select id from call where to_number = :number or from_number = :number order by id",
                                UUID.class)
                        .setParameter("number", number)
                        .getResultList());
    }

    private ErasureView record(ErasureRequest request, Counts erased, Instant requestedAt, String requestedBy) {
        UUID id = UUID.randomUUID();
        ErasureKey.Hash hash = request.phoneNumber() == null ? null : key.current(request.phoneNumber());
        UUID repeatOf = earlier(request);
        ErasureView view = new ErasureView(
                id,
                request.kind(),
                hash == null ? null : hash.value(),
                request.callId(),
                repeatOf,
                erased.calls(),
                erased.events(),
                erased.decisions(),
                erased.receipts(),
                erased.transcripts(),
                erased.deliveries(),
                requestedAt,
                now(),
                requestedBy);
        em.createNativeQuery("""
                        insert into erasure (id, kind, number_hash, number_hash_key, call_id, repeat_of, calls, events,
                            decisions, receipts, transcripts, deliveries, requested_at, completed_at, requested_by)
                        values (:id, :kind, cast(:hash as text), cast(:hashKey as text), cast(:callId as uuid),
                            cast(:repeatOf as uuid), :calls, :events, :decisions, :receipts, :transcripts,
                            :deliveries, :requestedAt, :completedAt, cast(:requestedBy as text))
                        """)
                .setParameter("id", id)
                .setParameter("kind", view.kind())
                .setParameter("hash", view.numberHash())
                .setParameter("hashKey", hash == null ? null : hash.key())
                .setParameter(
                        "callId", view.callId() == null ? null : view.callId().toString())
                .setParameter("repeatOf", repeatOf == null ? null : repeatOf.toString())
                .setParameter("calls", view.calls())
                .setParameter("events", view.events())
                .setParameter("decisions", view.decisions())
                .setParameter("receipts", view.receipts())
                .setParameter("transcripts", view.transcripts())
                .setParameter("deliveries", view.deliveries())
                .setParameter("requestedAt", view.requestedAt())
                .setParameter("completedAt", view.completedAt())
                .setParameter("requestedBy", requestedBy)
                .executeUpdate();
        return view;
    }

    /** The first earlier request for the same call, or for the same number under any key it was hashed with. */
    @SuppressWarnings("unchecked")
    private UUID earlier(ErasureRequest request) {
        List<UUID> first;
        if (request.callId() != null) {
            first = em.createNativeQuery(
                            "select id from erasure where call_id = :callId order by seq limit 1", UUID.class)
                    .setParameter("callId", request.callId())
                    .getResultList();
        } else {
            List<ErasureKey.Hash> hashes = key.all(request.phoneNumber());
            first = em.createNativeQuery("""
                            select id from erasure
                            where (number_hash_key, number_hash) in (select * from unnest(cast(:keys as text[]), cast(:hashes as text[])))
                            order by seq limit 1""", UUID.class)
                    .setParameter(
                            "keys", hashes.stream().map(ErasureKey.Hash::key).toArray(String[]::new))
                    .setParameter(
                            "hashes",
                            hashes.stream().map(ErasureKey.Hash::value).toArray(String[]::new))
                    .getResultList();
        }
        return first.isEmpty() ? null : first.get(0);
    }

    /** Newest first; {@code after} is a {@code next_cursor} of this list, or null for the newest. */
    @SuppressWarnings("unchecked")
    ErasureList list(Long after, int limit) {
        List<Object[]> rows = QuarkusTransaction.requiringNew()
                .call(() -> em.createNativeQuery("""
                                select id, kind, number_hash, call_id, repeat_of, calls, events, decisions, receipts,
                                    transcripts, deliveries, requested_at, completed_at, requested_by, seq
                                from erasure where seq < :after order by seq desc limit :limit
                                """)
                        .setParameter("after", after == null ? Long.MAX_VALUE : after)
                        .setParameter("limit", limit + 1)
                        .getResultList());
        boolean hasMore = rows.size() > limit;
        List<Object[]> page = hasMore ? rows.subList(0, limit) : rows;
        List<ErasureView> views = page.stream().map(Erasures::view).toList();
        String next = hasMore ? page.get(limit - 1)[14].toString() : null;
        return new ErasureList(views, hasMore, next);
    }

    private static ErasureView view(Object[] row) {
        return new ErasureView(
                (UUID) row[0],
                (String) row[1],
                (String) row[2],
                (UUID) row[3],
                (UUID) row[4],
                ((Number) row[5]).intValue(),
                ((Number) row[6]).intValue(),
                ((Number) row[7]).intValue(),
                ((Number) row[8]).intValue(),
                ((Number) row[9]).intValue(),
                ((Number) row[10]).intValue(),
                Timestamps.instant(row[11]),
                Timestamps.instant(row[12]),
                (String) row[13]);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
