package io.callingboxgateway.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callingboxgateway.database.ReadsBusy;
import io.callingboxgateway.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live event streams. Each stream pulls pages at its own pace (the next page is taken only when the
 * client has taken the previous one), so a slow client costs no memory beyond one page. Pages of new
 * events come from the {@link EventWindow}, one database read shared by all streams; a stream behind
 * the window reads its own pages, and one further behind than {@code gateway.events.stream-max-lag}
 * is told to resume from its cursor, where paging the feed catches up faster than a stream.
 */
// Created at start so its metrics are on /q/metrics before first use
@Startup
@ApplicationScoped
public class EventStreams {

    private static final int BATCH = 200;

    /** Seconds a client refused a stream place is asked to wait: streams end within their lifetime. */
    static final int RETRY_AFTER_SECONDS = 5;

    private final EventWindow window;
    private final EventTail tail;
    private final EventsConfig config;
    private final ObjectMapper json;
    private final EventRendering rendering;
    private final AtomicInteger open = new AtomicInteger();
    private final Counter refused;

    EventStreams(
            EventWindow window,
            EventTail tail,
            EventsConfig config,
            ObjectMapper json,
            MeterRegistry metrics,
            EventRendering rendering) {
        this.rendering = rendering;
        this.window = window;
        this.tail = tail;
        this.config = config;
        this.json = json;
        metrics.gauge("gateway.events.streams", open);
        this.refused = metrics.counter("gateway.events.streams.refused");
    }

    private record Batch(List<OutboundSseEvent> events, boolean last) {}

    /**
     * Takes one of this replica's stream places, before the stream starts; the stream gives it back
     * when it ends however it ends.
     *
     * @throws ProblemException 429 with Retry-After when every place is taken
     */
    public void admit() {
        int before = open.getAndUpdate(n -> n < config.maxStreams() ? n + 1 : n);
        if (before >= config.maxStreams()) {
            refused.increment();
            throw ProblemException.tooBusy(
                    "too-many-streams",
                    "this replica already serves " + config.maxStreams()
                            + " event streams; try again later, or page GET /events",
                    RETRY_AFTER_SECONDS);
        }
    }

    /**
     * A stream for a place taken with {@link #admit()}; without {@code personalData} every event is
     * masked (model/Redaction), then written in {@code format}.
     */
    public Multi<OutboundSseEvent> open(
            long after, EventFilter filter, boolean personalData, EventFormat format, Sse sse) {
        AtomicLong position = new AtomicLong(after);
        long endsAt = System.nanoTime() + config.streamMaxLifetime().toNanos();
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                open.decrementAndGet();
            }
        };
        return Multi.createBy()
                .repeating()
                .uni(() -> next(position, filter, personalData, format, sse, endsAt))
                .whilst(batch -> !batch.last())
                .onItem()
                .transformToIterable(Batch::events)
                .onTermination()
                .invoke(release);
    }

    private Uni<Batch> next(
            AtomicLong position, EventFilter filter, boolean personalData, EventFormat format, Sse sse, long endsAt) {
        long left = endsAt - System.nanoTime();
        if (left <= 0) {
            // A stream ends after its lifetime so no connection is held forever and load rebalances
            return Uni.createFrom().item(new Batch(List.of(resume(sse, position.get(), LIFETIME_OVER)), true));
        }
        return window.read(position.get(), filter, BATCH)
                .flatMap(read -> {
                    // Judged at the cursor the client holds: the page read with it is not sent, so the
                    // client must resume from before it, or it would skip that page.
                    if (read.head() - position.get() > config.streamMaxLag()) {
                        return Uni.createFrom().item(new Batch(List.of(resume(sse, position.get(), TOO_FAR)), true));
                    }
                    position.set(Long.parseLong(read.page().nextCursor()));
                    if (!read.page().data().isEmpty()) {
                        return Uni.createFrom()
                                .item(new Batch(toSse(sse, read.page().as(personalData), format), false));
                    }
                    Duration wait = config.heartbeat();
                    Duration remaining = Duration.ofNanos(Math.max(1_000_000L, endsAt - System.nanoTime()));
                    boolean lifetimeFirst = remaining.compareTo(wait) < 0;
                    return Uni.createFrom()
                            .completionStage(() -> tail.beyond(position.get()))
                            .map(head -> new Batch(List.of(), false))
                            .ifNoItem()
                            .after(lifetimeFirst ? remaining : wait)
                            .recoverWithItem(
                                    () -> new Batch(lifetimeFirst ? List.of() : List.of(heartbeat(sse)), false));
                })
                // The read budget stayed full: the stream ends, and its client comes back with its cursor
                .onFailure(ReadsBusy.class)
                .recoverWithItem(() -> new Batch(List.of(resume(sse, position.get(), READS_BUSY)), true));
    }

    private List<OutboundSseEvent> toSse(Sse sse, EventPage page, EventFormat format) {
        return page.data().stream()
                .map(event -> sse.newEventBuilder()
                        .id(Long.toString(event.id()))
                        .data(rendering.text(event, format))
                        .build())
                .toList();
    }

    private OutboundSseEvent heartbeat(Sse sse) {
        return sse.newEventBuilder().comment("heartbeat").build();
    }

    private static final String TOO_FAR = "stream fell too far behind; page GET /events?after=%d, then stream again";
    private static final String READS_BUSY =
            "this replica's reads are busy; stream again with after=%d in a moment, or from another replica";
    private static final String LIFETIME_OVER = "stream reached its maximum lifetime; stream again with after=%d";

    private OutboundSseEvent resume(Sse sse, long position, String reason) {
        ObjectNode data =
                json.createObjectNode().put("after", Long.toString(position)).put("reason", reason.formatted(position));
        return sse.newEventBuilder()
                .name("resume")
                .id(Long.toString(position))
                .data(data.toString())
                .build();
    }
}
