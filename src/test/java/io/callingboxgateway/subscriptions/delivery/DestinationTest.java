package io.callingboxgateway.subscriptions.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callingboxgateway.subscriptions.HostResolver;
import io.callingboxgateway.subscriptions.SubscriberUrlPolicy;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One judgement of a subscriber URL serves a run's pushes, for a bounded time; a refusal serves none. */
class DestinationTest {

    private static final String URL = "https://hooks.example.test/in";

    private final Deque<String> answers = new ArrayDeque<>();
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong clock = new AtomicLong();

    /** Answers the scripted addresses in turn (the last repeats), counting lookups. */
    private final HostResolver dns = host -> {
        lookups.incrementAndGet();
        String next = answers.size() > 1 ? answers.poll() : answers.peek();
        return new InetAddress[] {
            InetAddress.getByAddress(host, InetAddress.getByName(next).getAddress())
        };
    };

    private final Destination destination = new Destination(URL, new SubscriberUrlPolicy(List.of(), dns), clock::get);

    @Test
    void theRunsPushesShareOneLookupWhileItIsFresh() throws Exception {
        answers.add("8.8.4.4");

        destination.checked();
        clock.addAndGet(Destination.FRESH_FOR.toNanos());
        var judged = destination.checked();

        assertEquals(1, lookups.get());
        assertEquals("8.8.4.4", judged.address().getHostAddress());
    }

    @Test
    void aStaleJudgementIsMadeAgainAndARePointedNameIsRefused() throws Exception {
        answers.addAll(List.of("8.8.4.4", "10.0.0.7"));
        destination.checked();

        clock.addAndGet(Destination.FRESH_FOR.toNanos() + 1);

        var refused = assertThrows(SubscriberUrlPolicy.Refused.class, destination::checked);
        assertEquals(SubscriberUrlPolicy.Rule.PRIVATE, refused.rule());
        assertEquals(2, lookups.get());
    }

    @Test
    void aRefusalIsNotRemembered() throws Exception {
        answers.addAll(List.of("10.0.0.7", "8.8.4.4"));
        assertThrows(SubscriberUrlPolicy.Refused.class, destination::checked);

        var judged = destination.checked();

        assertEquals("8.8.4.4", judged.address().getHostAddress());
        assertEquals(2, lookups.get());
    }
}
