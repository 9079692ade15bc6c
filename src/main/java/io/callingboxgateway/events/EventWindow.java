package io.callingboxgateway.events;

import io.callingboxgateway.database.ReadBudget;
import io.callingboxgateway.reconcile.CallEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The newest events of the feed, read from the database once per new range and shared by every live
 * stream of this replica: when an event commits, the first stream to ask reads the new range, every
 * other stream waiting for it takes the same read, and each applies its own filter in memory.
 *
 * <p>The window holds every event in {@code (from, to]}, where {@code to} is a committed counter
 * value read before the events (ADR 0006): ids are handed out in commit order without gaps, so
 * nothing can still commit inside a range once it is read, and a stream handed {@code to} as its
 * cursor skips nothing. It keeps at most {@code gateway.events.stream-window} ids; a stream whose
 * cursor is older than the window (a new stream with a backlog, or one whose client reads slowly)
 * reads its pages on its own, as every stream did before, so a slow stream never holds the window
 * nor the other streams, and costs no memory beyond the page it is sending. Every read, shared or
 * own, takes a {@link ReadBudget} place while it runs.
 */
@ApplicationScoped
public class EventWindow {

    /** One page for a stream and the counter value it was judged against. */
    record Read(EventPage page, long head) {}

    private final EventFeed feed;
    private final EventTail tail;
    private final ReadBudget budget;
    private final int capacity;
    private final Counter sharedReads;
    private final Counter ownReads;

    // Guarded by this: the events in (from, to], oldest first; to < 0 until the first read
    private final List<EventView> events = new ArrayList<>();
    private long from = -1;
    private long to = -1;
    private CompletableFuture<Void> extending;

    EventWindow(EventFeed feed, EventTail tail, ReadBudget budget, EventsConfig config, MeterRegistry metrics) {
        this.feed = feed;
        this.budget = budget;
        this.tail = tail;
        this.capacity = config.streamWindow();
        this.sharedReads = metrics.counter("gateway.events.reads", "read", "shared");
        this.ownReads = metrics.counter("gateway.events.reads", "read", "own");
    }

    /** Up to {@code limit} events after {@code after} that pass the filter, as {@link EventFeed#page} would. */
    Uni<Read> read(long after, EventFilter filter, int limit) {
        long known = tail.head();
        CompletableFuture<Void> pending;
        synchronized (this) {
            if (to >= 0 && after >= from && after < to) {
                return Uni.createFrom().item(slice(after, filter, limit));
            }
            if ((to >= 0 && after < from) || (to < 0 && known < 0)) {
                return ownRead(after, filter, limit);
            }
            if (known <= after) {
                // Nothing newer is known: the stream waits on the tail, which looks at the counter
                return Uni.createFrom().item(new Read(new EventPage(List.of(), Long.toString(after), false), after));
            }
            if (extending == null) {
                extending = new CompletableFuture<>();
                Infrastructure.getDefaultWorkerPool().execute(this::extend);
            }
            pending = extending;
        }
        // Judged again once the new range is in: served from it, or (if the window moved past the
        // cursor) read on its own
        return Uni.createFrom().completionStage(pending).flatMap(done -> read(after, filter, limit));
    }

    /**
     * Drops an erased call's events from memory, so this replica's streams are not served them after the
     * erasure (other replicas' windows keep them until newer events push them out).
     */
    public synchronized void forget(UUID callId) {
        events.removeIf(event -> callId.equals(event.callId()) && !CallEvent.ERASED.equals(event.type()));
    }

    private Uni<Read> ownRead(long after, EventFilter filter, int limit) {
        return Uni.createFrom()
                .item(() -> budget.call(() -> QuarkusTransaction.requiringNew().call(() -> {
                    ownReads.increment();
                    return new Read(feed.page(after, filter, limit), feed.head());
                })))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private void extend() {
        CompletableFuture<Void> done;
        synchronized (this) {
            done = extending;
        }
        try {
            budget.call(() -> QuarkusTransaction.requiringNew().call(() -> {
                long head = feed.head();
                long lowest;
                synchronized (this) {
                    lowest = Math.max(Math.max(to, 0), head - capacity);
                }
                List<EventView> range = feed.between(lowest, head);
                sharedReads.increment();
                append(lowest, head, range);
                return null;
            }));
            finish(done, null);
        } catch (RuntimeException e) {
            finish(done, e);
        }
    }

    private synchronized void append(long lowest, long head, List<EventView> range) {
        if (lowest > to) {
            // The new range does not join the old one (first read, or more new events than fit)
            events.clear();
            from = lowest;
        }
        events.addAll(range);
        to = head;
        long oldestKept = to - capacity;
        if (from < oldestKept) {
            events.subList(0, firstAfter(oldestKept)).clear();
            from = oldestKept;
        }
    }

    private void finish(CompletableFuture<Void> done, RuntimeException failure) {
        synchronized (this) {
            extending = null;
        }
        if (failure == null) {
            done.complete(null);
        } else {
            done.completeExceptionally(failure);
        }
    }

    private Read slice(long after, EventFilter filter, int limit) {
        List<EventView> matching = new ArrayList<>();
        for (int i = firstAfter(after); i < events.size() && matching.size() <= limit; i++) {
            EventView event = events.get(i);
            if (filter.matches(event)) {
                matching.add(event);
            }
        }
        boolean hasMore = matching.size() > limit;
        List<EventView> page = hasMore ? List.copyOf(matching.subList(0, limit)) : matching;
        long next = hasMore ? page.get(limit - 1).id() : to;
        return new Read(new EventPage(page, Long.toString(next), hasMore), to);
    }

    /** The index of the first held event with an id above {@code id}. */
    private int firstAfter(long id) {
        int low = 0;
        int high = events.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (events.get(middle).id() <= id) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }
}
