package io.callingboxgateway.events;

import io.agroal.api.AgroalDataSource;
import io.callingboxgateway.background.BackgroundThreads;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Knows the newest numbered event id and wakes waiting streams when it moves. This replica's sequencer
 * announces its numbering at once; numbering on other replicas is noticed by a cheap look at the counter
 * row every {@code gateway.events.tail-interval}, and only while someone is waiting.
 */
@ApplicationScoped
public class EventTail {

    private static final Logger LOG = Logger.getLogger(EventTail.class);

    private final AgroalDataSource dataSource;
    private final EventsConfig config;
    private final BackgroundThreads threads;
    private final Set<CompletableFuture<Long>> waiters = ConcurrentHashMap.newKeySet();
    private volatile long head = -1;
    private ScheduledExecutorService ticker;

    EventTail(AgroalDataSource dataSource, EventsConfig config, BackgroundThreads threads) {
        this.dataSource = dataSource;
        this.config = config;
        this.threads = threads;
    }

    /**
     * A timer of the gateway's own (ADR 0062), not the Quarkus scheduler, whose simple implementation
     * looks at its triggers once a second (SimpleScheduler.CHECK_PERIOD), ten times the tail interval
     * this look must keep (ADR 0006). Fixed delay: a slow look postpones the next instead of piling up.
     */
    void start(@Observes StartupEvent event) {
        ticker = threads.timer("event-tail");
        long every = config.tailInterval().toMillis();
        ticker.scheduleWithFixedDelay(this::lookIfWaited, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    void numberedHere(@Observes EventsNumbered numbered) {
        advanceTo(numbered.lastId());
    }

    /** The newest committed event id this replica knows of; -1 until it has looked once. */
    public long head() {
        return head;
    }

    /**
     * Completes once the head moves past {@code position}; at once if it already has. Each wait has its
     * own future: a stream that stops waiting (heartbeat, disconnect) cancels it, which must neither
     * cancel the other streams' waits nor leave anything behind.
     */
    public CompletionStage<Long> beyond(long position) {
        CompletableFuture<Long> waiter = new CompletableFuture<>();
        waiter.whenComplete((id, failure) -> waiters.remove(waiter));
        waiters.add(waiter);
        long known = head;
        if (known > position) {
            waiter.complete(known);
        }
        return waiter;
    }

    private void lookIfWaited() {
        if (waiters.isEmpty() && head >= 0) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("select last_id from event_sequence")) {
            if (rows.next()) {
                advanceTo(rows.getLong(1));
            }
        } catch (SQLException e) {
            LOG.debugf("Event tail could not read the event counter: %s", e.getMessage());
        }
    }

    private synchronized void advanceTo(long id) {
        if (id > head) {
            head = id;
            waiters.forEach(waiter -> waiter.complete(id));
        }
    }
}
