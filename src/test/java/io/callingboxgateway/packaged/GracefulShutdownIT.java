package io.callingboxgateway.packaged;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.packaged.WebhookStorm.Sent;
import io.callingboxgateway.testing.SignedWebhook;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM under webhook load, against the packaged application run as a real process with the prod
 * profile's shutdown settings (5 s delay, 10 s timeout): every webhook is answered 2xx or 503, or its
 * connection is refused or reset before any byte of an answer (CallingBox then retries); none hangs,
 * none gets another status; the process exits within the 25 s the pod's grace period leaves after the
 * preStop sleep; and every webhook acknowledged with a 2xx is in the database.
 */
class GracefulShutdownIT {

    /** terminationGracePeriodSeconds (30) minus the preStop sleep (5), as deploy/base sets them. */
    private static final Duration GRACE = Duration.ofSeconds(25);

    private static final int ACKNOWLEDGED_BEFORE_SIGTERM = 50;
    private static final int SENDERS = 4;

    private PostgresProcess database;
    private GatewayProcess gateway;

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void sigtermUnderWebhookLoadAnswersOrRefusesEveryWebhookAndLosesNone() throws Exception {
        database = new PostgresProcess().start();
        gateway = new GatewayProcess("graceful-shutdown-it", database.jdbcUrl(), Map.of()).start();
        WebhookStorm sender = new WebhookStorm(gateway.webhookSecret(), gateway::port);

        ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            running.add(senders.submit(() -> {
                // Keep sending until the process is gone, plus one more that must find the port closed.
                boolean last = false;
                while (!last) {
                    last = !gateway.alive();
                    sent.add(sendOnce(sender));
                }
            }));
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> sent.stream().filter(Sent::acknowledged).count() >= ACKNOWLEDGED_BEFORE_SIGTERM);
        Instant sigterm = Instant.now();
        gateway.terminate();
        boolean exited = gateway.process().waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        Duration toExit = Duration.between(sigterm, Instant.now());
        for (Future<?> running1 : running) {
            running1.get(WebhookStorm.HANG.toSeconds() + 5, TimeUnit.SECONDS);
        }
        senders.shutdown();

        assertTrue(exited, "the gateway still runs " + GRACE + " after SIGTERM; log: " + gateway.logTail());
        List<Sent> all = List.copyOf(sent);
        List<Sent> unclean = all.stream().filter(s -> !s.clean()).toList();
        assertEquals(List.of(), unclean, "answers other than 2xx, 503 or a refusal before any byte");
        List<Sent> acknowledged = all.stream().filter(Sent::acknowledged).toList();
        assertTrue(
                acknowledged.stream().anyMatch(s -> s.at().isBefore(sigterm)),
                "no webhook acknowledged before SIGTERM: " + WebhookStorm.byOutcome(all));
        assertTrue(
                acknowledged.stream().anyMatch(s -> s.at().isAfter(sigterm)),
                "no webhook acknowledged during the shutdown delay: " + WebhookStorm.byOutcome(all));
        List<String> problems = new EventLogAudit(database)
                .problems(
                        acknowledged.stream().map(Sent::eventId).toList(),
                        acknowledged.stream().map(Sent::callId).toList());
        assertEquals(List.of(), problems, "after SIGTERM under load");
        System.out.printf(
                "GracefulShutdownIT: %d webhooks %s, exited %s ms after SIGTERM%n",
                all.size(), WebhookStorm.byOutcome(all), toExit.toMillis());
    }

    /** One webhook of a call of its own, sent once: this test counts answers, it does not retry. */
    private static Sent sendOnce(WebhookStorm sender) {
        UUID eventId = UUID.randomUUID();
        UUID callId = UUID.randomUUID();
        byte[] body = SignedWebhook.envelope(eventId, "call.queued", callId, "queued", Instant.now())
                .getBytes(UTF_8);
        return sender.send(eventId, callId, body);
    }
}
