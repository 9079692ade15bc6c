package io.callingboxgateway.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live event streams. Each stream pulls pages from the feed at its own pace (the next page is read
 * only when the client has taken the previous one), so a slow client costs no memory; when it is
 * further behind than {@code gateway.events.stream-max-lag}, it is told to resume from its cursor,
 * where paging the feed catches up faster than a stream.
 */
// Created at start so its metrics are on /q/metrics before first use
@Startup
@ApplicationScoped
public class EventStreams {

    private static final int BATCH = 200;

    private final EventFeed feed;
    private final EventTail tail;
    private final EventsConfig config;
    private final ObjectMapper json;
    private final AtomicInteger open = new AtomicInteger();

    EventStreams(EventFeed feed, EventTail tail, EventsConfig config, ObjectMapper json, MeterRegistry metrics) {
        this.feed = feed;
        this.tail = tail;
        this.config = config;
        this.json = json;
        metrics.gauge("gateway.events.streams", open);
    }

    private record Batch(List<OutboundSseEvent> events, boolean last) {}

    public Multi<OutboundSseEvent> open(long after, EventFilter filter, Sse sse) {
        AtomicLong position = new AtomicLong(after);
        return Multi.createBy()
                .repeating()
                .uni(() -> next(position, filter, sse))
                .whilst(batch -> !batch.last())
                .onItem()
                .transformToIterable(Batch::events)
                .onSubscription()
                .invoke(open::incrementAndGet)
                .onTermination()
                .invoke(open::decrementAndGet);
    }

    private Uni<Batch> next(AtomicLong position, EventFilter filter, Sse sse) {
        return Uni.createFrom()
                .item(() -> QuarkusTransaction.requiringNew().call(() -> read(position.get(), filter)))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(read -> {
                    // Judged at the cursor the client holds: the page read with it is not sent, so the
                    // client must resume from before it, or it would skip that page.
                    if (read.head() - position.get() > config.streamMaxLag()) {
                        return Uni.createFrom().item(new Batch(List.of(resume(sse, position.get())), true));
                    }
                    position.set(Long.parseLong(read.page().nextCursor()));
                    if (!read.page().data().isEmpty()) {
                        return Uni.createFrom().item(new Batch(toSse(sse, read.page()), false));
                    }
                    return Uni.createFrom()
                            .completionStage(() -> tail.beyond(position.get()))
                            .map(head -> new Batch(List.of(), false))
                            .ifNoItem()
                            .after(config.heartbeat())
                            .recoverWithItem(() -> new Batch(List.of(heartbeat(sse)), false));
                });
    }

    private record Read(EventPage page, long head) {}

    private Read read(long after, EventFilter filter) {
        return new Read(feed.page(after, filter, BATCH), feed.head());
    }

    private List<OutboundSseEvent> toSse(Sse sse, EventPage page) {
        return page.data().stream()
                .map(event -> sse.newEventBuilder()
                        .id(Long.toString(event.id()))
                        .data(write(event))
                        .build())
                .toList();
    }

    private OutboundSseEvent heartbeat(Sse sse) {
        return sse.newEventBuilder().comment("heartbeat").build();
    }

    private OutboundSseEvent resume(Sse sse, long position) {
        return sse.newEventBuilder()
                .name("resume")
                .id(Long.toString(position))
                .data(
                        "{\"after\":\"%d\",\"reason\":\"stream fell too far behind; page GET /events?after=%d, then stream again\"}"
                                .formatted(position, position))
                .build();
    }

    private String write(EventView event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
