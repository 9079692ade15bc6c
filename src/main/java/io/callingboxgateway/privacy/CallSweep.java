package io.callingboxgateway.privacy;

import io.agroal.api.AgroalDataSource;
import io.callingboxgateway.privacy.CallDeletion.Deleted;
import io.callingboxgateway.reconcile.Call;
import io.callingboxgateway.reconcile.Reconciler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Retention and redaction of stored calls (docs/decisions/0065): deletes calls whose last change is
 * older than {@code gateway.calls.retention} (CallDeletion), then redacts, for good, whole calls older
 * than {@code gateway.calls.redact-after} (Reconciler#redactStored).
 *
 * <p>One replica sweeps at a time: a run holds a session advisory lock on a connection of its own, which
 * the database releases by itself if the replica dies. The work goes in batches of
 * {@code gateway.calls.sweep-batch-size} calls, one short transaction each, and takes only the per-call
 * locks no writer holds at that moment (Reconciler#lockIfFree): a call a webhook or poll is writing is
 * left for the next batch or run, and a writer waits at most for one batch.
 */
// Created at start so its metrics are on /q/metrics before the first run
@Startup
@ApplicationScoped
public class CallSweep {

    /** Namespace of the sweep's advisory lock ("PRIV"), apart from the per-call locks. */
    private static final int SWEEP_LOCK_SPACE = 0x50524956;

    private static final Logger LOG = Logger.getLogger(CallSweep.class);

    private final EntityManager em;
    private final AgroalDataSource dataSource;
    private final Reconciler reconciler;
    private final CallDeletion deletion;
    private final CallsPrivacyConfig config;
    private final Counter deletedCalls;
    private final Counter redactedCalls;
    private final Timer runs;

    CallSweep(
            EntityManager em,
            AgroalDataSource dataSource,
            Reconciler reconciler,
            CallDeletion deletion,
            CallsPrivacyConfig config,
            MeterRegistry metrics) {
        this.em = em;
        this.dataSource = dataSource;
        this.reconciler = reconciler;
        this.deletion = deletion;
        this.config = config;
        this.deletedCalls = metrics.counter("gateway.calls.retention.deleted");
        this.redactedCalls = metrics.counter("gateway.calls.redaction.redacted");
        this.runs = metrics.timer("gateway.calls.sweep");
    }

    /**
     * What one run did; {@code ran} is false when another replica held the sweep.
     *
     * @param events events deleted with their calls
     * @param eventsRedacted stored events rewritten without personal data
     */
    public record Report(
            boolean ran,
            int deleted,
            int events,
            int decisions,
            int receipts,
            int transcripts,
            int deadLetters,
            int redacted,
            int eventsRedacted) {}

    /** One run with {@code now} as the time calls are judged against (tests pass a later one). */
    public Report run(Instant at) {
        // What the database stores: the sweep's SQL and its checks in Java then judge the same instant
        Instant now = at.truncatedTo(ChronoUnit.MICROS);
        if (config.retention().duration().isEmpty()
                && config.redactAfter().duration().isEmpty()) {
            return new Report(false, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        long started = System.nanoTime();
        try (Connection lock = dataSource.getConnection();
                Statement statement = lock.createStatement()) {
            if (!tryLock(statement)) {
                LOG.debug("Another replica is sweeping calls; not sweeping here this time");
                return new Report(false, 0, 0, 0, 0, 0, 0, 0, 0);
            }
            try {
                Report report = sweep(now);
                if (report.deleted() > 0 || report.redacted() > 0) {
                    LOG.infof(
                            "Call sweep deleted %d calls (retention %s) and redacted %d (redact-after %s)",
                            report.deleted(), config.retention(), report.redacted(), config.redactAfter());
                }
                return report;
            } finally {
                statement.execute("select pg_advisory_unlock(%d, 0)".formatted(SWEEP_LOCK_SPACE));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not take or release the call sweep's lock", e);
        } finally {
            runs.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private static boolean tryLock(Statement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery("select pg_try_advisory_lock(%d, 0)".formatted(SWEEP_LOCK_SPACE))) {
            row.next();
            return row.getBoolean(1);
        }
    }

    private Report sweep(Instant now) {
        Deleted deleted = Deleted.NONE;
        Instant retentionCutoff = config.retention().cutoff(now).orElse(null);
        if (retentionCutoff != null) {
            Batch<Deleted> batch;
            do {
                batch = QuarkusTransaction.requiringNew().call(() -> deleteBatch(retentionCutoff));
                deleted = deleted.plus(batch.result());
                deletedCalls.increment(batch.result().calls());
            } while (batch.more());
        }
        int redacted = 0;
        int eventsRedacted = 0;
        Instant redactCutoff = config.redactAfter().cutoff(now).orElse(null);
        if (redactCutoff != null) {
            Batch<int[]> batch;
            do {
                batch = QuarkusTransaction.requiringNew().call(() -> redactBatch(redactCutoff, now));
                redacted += batch.result()[0];
                eventsRedacted += batch.result()[1];
                redactedCalls.increment(batch.result()[0]);
            } while (batch.more());
        }
        return new Report(
                true,
                deleted.calls(),
                deleted.events(),
                deleted.decisions(),
                deleted.receipts(),
                deleted.transcripts(),
                deleted.deadLetters(),
                redacted,
                eventsRedacted);
    }

    /**
     * @param more whether another batch may find work: this one was full and did something (a batch
     *     that did nothing, its calls all busy or changed meanwhile, stops the run; the next run tries
     *     again)
     */
    private record Batch<T>(T result, boolean more) {}

    private Batch<Deleted> deleteBatch(Instant cutoff) {
        List<UUID> candidates = candidates("select id from call where " + CallAge.SQL + " limit :batch", cutoff);
        List<UUID> locked = reconciler.lockIfFree(candidates);
        // Judged again under the lock: a writer may have changed the call since it was picked.
        List<UUID> old = locked.isEmpty()
                ? List.of()
                : ids(em.createNativeQuery("select id from call where id in (:ids) and " + CallAge.SQL)
                        .setParameter("ids", locked)
                        .setParameter("cutoff", cutoff)
                        .getResultList());
        Deleted deleted = deletion.delete(old);
        return new Batch<>(deleted, candidates.size() == config.sweepBatchSize() && deleted.calls() > 0);
    }

    private Batch<int[]> redactBatch(Instant cutoff, Instant now) {
        List<UUID> candidates = candidates(
                "select id from call where redacted_at is null and " + CallAge.SQL + " limit :batch", cutoff);
        int calls = 0;
        int events = 0;
        List<UUID> locked = reconciler.lockIfFree(candidates);
        for (UUID id : locked) {
            Call call = em.find(Call.class, id);
            // Judged again under the lock: a writer may have changed the call since it was picked.
            if (call != null && call.redactedAt() == null && CallAge.before(call.snapshot(), cutoff)) {
                events += reconciler.redactStored(call, now);
                calls++;
            }
        }
        return new Batch<>(
                new int[] {calls, events}, candidates.size() == config.sweepBatchSize() && !locked.isEmpty());
    }

    private List<UUID> candidates(String sql, Instant cutoff) {
        return ids(em.createNativeQuery(sql)
                .setParameter("cutoff", cutoff)
                .setParameter("batch", config.sweepBatchSize())
                .getResultList());
    }

    @SuppressWarnings("unchecked")
    private static List<UUID> ids(List<?> rows) {
        return (List<UUID>) rows;
    }
}
