package io.callingboxgateway.events;

import io.agroal.api.AgroalDataSource;
import io.callingboxgateway.background.BackgroundThreads;
import io.callingboxgateway.reconcile.EventsAppended;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Gives committed events their feed ids (docs/decisions/0063-events-numbered-after-commit.md).
 *
 * <p>One short transaction, serialised with every other replica's by the {@code event_sequence} row
 * lock, numbers the visible unnumbered events in insert-key order above {@code last_id} and moves
 * {@code last_id} with them. Runs on its own thread: woken after each local commit that wrote events
 * (coalesced, one run covers everything visible), and every {@code gateway.events.tail-interval} when a
 * cheap look finds unnumbered events, which is how events of a replica that died before numbering its
 * own commits get numbered.
 *
 * <p>The committing thread waits for the run that covers its events, boundedly, so that an event is on
 * the feed by the time its webhook is answered; a stuck sequencer costs intake at most that bound per
 * request while it is first noticed, then nothing.
 */
@ApplicationScoped
public class EventSequencer {

    /** Events numbered per transaction: bounds the sequencer's lock and statement under a backlog. */
    static final int BATCH = 10_000;

    /** How long a committing thread waits for its events to be numbered before answering anyway. */
    private static final long WAIT_MS = 1_000;

    private static final Logger LOG = Logger.getLogger(EventSequencer.class);

    private static final String NUMBER = """
            with batch as (
                select entry, row_number() over (order by entry) as n
                from call_event where id is null order by entry limit %d)
            update call_event e set id = ? + b.n from batch b where e.entry = b.entry
            """.formatted(BATCH);

    private final AgroalDataSource dataSource;
    private final EventsConfig config;
    private final Event<EventsNumbered> numbered;
    private final BackgroundThreads threads;
    private volatile ScheduledExecutorService thread;
    private CompletableFuture<Long> next;
    private volatile long runningSince;

    EventSequencer(
            AgroalDataSource dataSource,
            EventsConfig config,
            Event<EventsNumbered> numbered,
            BackgroundThreads threads) {
        this.dataSource = dataSource;
        this.config = config;
        this.numbered = numbered;
        this.threads = threads;
    }

    void start(@Observes StartupEvent event) {
        thread = threads.timer("event-sequencer");
        long every = config.tailInterval().toMillis();
        thread.scheduleWithFixedDelay(this::lookForUnnumbered, 0, every, TimeUnit.MILLISECONDS);
    }

    /**
     * A last run for what was committed here during the shutdown delay; the thread itself ends with
     * the other background threads, after every feature's shutdown observer.
     */
    void stop(@Observes ShutdownEvent event) {
        try {
            wake().get(WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.infof("Left events unnumbered at shutdown, for another replica or the next start: %s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void committedHere(@Observes(during = TransactionPhase.AFTER_SUCCESS) EventsAppended appended) {
        long since = runningSince;
        if (since != 0 && System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(WAIT_MS)) {
            wake(); // stuck (a held counter row): numbering catches up later, intake does not wait for it
            return;
        }
        try {
            wake().get(WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.debugf("Events committed here are not numbered yet: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Numbers everything committed before this call, on the sequencer's thread.
     *
     * @return the counter after the run
     */
    public long numberNow() throws Exception {
        return wake().get(30, TimeUnit.SECONDS);
    }

    /**
     * A run that starts after this call: the one already queued if there is one, else a new one. A
     * run already under way may have read before the caller's commit, so it does not count.
     */
    private synchronized CompletableFuture<Long> wake() {
        if (thread == null) {
            // a commit before startup: the safety net's first look, at startup, numbers it
            return CompletableFuture.completedFuture(-1L);
        }
        if (next == null) {
            try {
                thread.execute(this::run);
            } catch (RejectedExecutionException e) {
                return CompletableFuture.completedFuture(-1L); // shutting down: another replica numbers it
            }
            next = new CompletableFuture<>();
        }
        return next;
    }

    private void run() {
        CompletableFuture<Long> run;
        synchronized (this) {
            run = next;
            next = null;
        }
        if (run == null) {
            return;
        }
        runningSince = System.nanoTime();
        try {
            long lastId;
            long count;
            do {
                long[] result = numberBatch();
                lastId = result[0];
                count = result[1];
                if (count > 0) {
                    numbered.fire(new EventsNumbered(lastId));
                }
            } while (count == BATCH);
            run.complete(lastId);
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Could not number committed events (retrying within %s): %s", config.tailInterval(), e);
            run.completeExceptionally(e);
        } finally {
            runningSince = 0;
        }
    }

    /**
     * Takes the counter row first, so the numbering statement's snapshot sees the previous run's.
     *
     * @return the counter after the batch and how many events it numbered
     */
    private long[] numberBatch() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                PreparedStatement number = connection.prepareStatement(NUMBER);
                PreparedStatement advance = connection.prepareStatement("update event_sequence set last_id = ?")) {
            connection.setAutoCommit(false);
            try {
                // A plain index scan marks the entries of rows numbered earlier dead as it passes them;
                // a bitmap scan would visit every one of them again until vacuum comes by.
                statement.execute("set local enable_bitmapscan = off");
                long lastId;
                try (ResultSet rows = statement.executeQuery("select last_id from event_sequence for update")) {
                    rows.next();
                    lastId = rows.getLong(1);
                }
                number.setLong(1, lastId);
                int count = number.executeUpdate();
                if (count > 0) {
                    advance.setLong(1, lastId + count);
                    advance.executeUpdate();
                }
                connection.commit();
                return new long[] {lastId + count, count};
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** The safety net: a look at the (nearly always empty) partial index, no lock taken. */
    private void lookForUnnumbered() {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select exists (select 1 from call_event where id is null)")) {
            if (rows.next() && rows.getBoolean(1)) {
                wake();
            }
        } catch (SQLException e) {
            LOG.debugf("Sequencer could not look for unnumbered events: %s", e.getMessage());
        }
    }
}
