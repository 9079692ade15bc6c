package io.callingboxgateway.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.vertx.http.HttpServer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Sends the simulator's webhooks as CallingBox does: one delivery per event and destination, signed,
 * retried on the documented schedule until a 2xx or the eighth failure, and recorded for
 * {@code GET /v1/webhook_deliveries}. The configured faults strike here.
 */
@ApplicationScoped
@IfBuildProfile(anyOf = {"dev", "test"})
public class WebhookSender {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final int MAX_ATTEMPTS = 8;

    /** The wait before attempts 2 to 8, each after the previous attempt, before jitter and scaling. */
    static final List<Duration> RETRY_SCHEDULE = List.of(
            Duration.ofMinutes(1),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            Duration.ofHours(5),
            Duration.ofHours(10),
            Duration.ofHours(24));

    static final double JITTER = 0.2;

    private final SimulatorClock clock;
    private final SimulatorRandom random;
    private final Instance<HttpServer> server;
    private final SandboxConfig.Webhook config;
    private final ExecutorService httpThreads;
    private final HttpClient http;
    private final Map<UUID, WebhookDelivery> deliveries = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    private volatile long epoch;
    private volatile FaultSettings faults;
    private volatile FaultCounters counters = new FaultCounters();
    private volatile boolean endpointEnabled;
    private volatile URI endpointUrl;

    WebhookSender(SimulatorClock clock, SimulatorRandom random, Instance<HttpServer> server, SandboxConfig config) {
        this.clock = clock;
        this.random = random;
        this.server = server;
        this.config = config.webhook();
        this.faults = FaultSettings.of(config.faults());
        this.endpointEnabled = this.config.enabled();
        this.endpointUrl = this.config.url().orElse(null);
        this.httpThreads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "sandbox-webhooks");
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder()
                .executor(httpThreads)
                .connectTimeout(this.config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public FaultSettings faults() {
        return faults;
    }

    public void faults(FaultSettings faults) {
        this.faults = faults;
    }

    FaultCounters counters() {
        return counters;
    }

    /** Where the account endpoint receives events now; absent when it is switched off. */
    public Optional<URI> endpoint() {
        if (!endpointEnabled) {
            return Optional.empty();
        }
        URI url = endpointUrl;
        return Optional.of(url != null ? url : URI.create(gatewayRoot() + "/webhooks/callingbox"));
    }

    /** Points the account endpoint somewhere else; null means the gateway's own receiver. */
    public void endpoint(boolean enabled, URI url) {
        this.endpointEnabled = enabled;
        this.endpointUrl = url;
    }

    /** The gateway's own HTTP root, on whatever port it actually listens on. */
    String gatewayRoot() {
        return "http://localhost:" + server.get().getPort();
    }

    /** Forgets every delivery and stops every retry, faults and endpoint back to their configuration. */
    void reset(SandboxConfig sandbox) {
        epoch++;
        deliveries.clear();
        counters = new FaultCounters();
        faults = FaultSettings.of(sandbox.faults());
        endpointEnabled = config.enabled();
        endpointUrl = config.url().orElse(null);
    }

    /**
     * Fires one event for a call: a delivery to the account endpoint and one to the call's own
     * webhook_url, each with its own event id. Called under the call's monitor, so the snapshot is
     * the call exactly as the event leaves it.
     */
    void emit(SimulatedCall call, String eventType) {
        ObjectNode snapshot = call.toJson();
        Instant now = clock.now();
        endpoint()
                .ifPresent(url ->
                        enqueue(SandboxDefaults.ENDPOINT_ID, url.toString(), call, eventType, snapshot, now, null));
        if (call.webhookUrl != null) {
            SimulatedCall summarises = "call.completed".equals(eventType) ? call : null;
            enqueue(null, call.webhookUrl, call, eventType, snapshot, now, summarises);
        }
    }

    private void enqueue(
            UUID endpointId,
            String url,
            SimulatedCall call,
            String eventType,
            ObjectNode snapshot,
            Instant now,
            SimulatedCall summarises) {
        UUID id = random.uuid();
        WebhookDelivery delivery = new WebhookDelivery(
                id,
                sequence.incrementAndGet(),
                epoch,
                endpointId,
                call.id,
                eventType,
                url,
                envelope(id, eventType, now, snapshot),
                now,
                summarises);
        // The first attempt goes out within about two seconds of the event.
        Duration wait = clock.real(Duration.ofMillis(random.between(100, 2000)));
        delivery.nextAttemptAt = now.plus(wait).truncatedTo(ChronoUnit.MICROS);
        deliveries.put(id, delivery);
        clock.afterReal(wait, () -> attempt(delivery, 0, true));
    }

    private static byte[] envelope(UUID id, String eventType, Instant created, ObjectNode call) {
        ObjectNode envelope = JsonNodeFactory.instance.objectNode();
        envelope.put("id", id.toString());
        envelope.put("type", eventType);
        envelope.put("created", created.getEpochSecond());
        envelope.put("api_version", "2026-04");
        envelope.putObject("data").set("call", call);
        try {
            return JSON.writeValueAsBytes(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A tree of plain JSON nodes always serialises", e);
        }
    }

    private void attempt(WebhookDelivery delivery, long round, boolean mayHoldBack) {
        if (delivery.epoch != epoch || !delivery.awaits(round)) {
            return;
        }
        FaultSettings now = faults;
        if (now.webhooksSilent()) {
            counters.silenced.incrementAndGet();
            failed(delivery, round, null, "connect timed out (sandbox: webhooks silenced)");
        } else if (mayHoldBack && random.chance(now.delayRate())) {
            counters.delayed.incrementAndGet();
            clock.afterReal(random.upTo(now.maxDelay()), () -> attempt(delivery, round, false));
        } else if (random.chance(now.dropRate())) {
            // Lost on the way: the receiver never sees it, yet CallingBox got a 200 (from a proxy, say).
            counters.dropped.incrementAndGet();
            succeeded(delivery, round, 200);
        } else {
            boolean forged = random.chance(now.wrongSignatureRate());
            if (forged) {
                counters.wrongSignatures.incrementAndGet();
            }
            post(delivery, forged).whenComplete((status, error) -> {
                if (error != null) {
                    failed(delivery, round, null, describe(error));
                } else if (status >= 200 && status < 300) {
                    succeeded(delivery, round, status);
                    maybeDuplicate(delivery, now);
                } else {
                    failed(delivery, round, status, "receiver answered HTTP " + status);
                }
            });
        }
    }

    private void maybeDuplicate(WebhookDelivery delivery, FaultSettings now) {
        if (random.chance(now.duplicateRate())) {
            counters.duplicated.incrementAndGet();
            clock.afterReal(random.upTo(now.maxDelay()), () -> {
                if (delivery.epoch == epoch) {
                    post(delivery, false);
                }
            });
        }
    }

    private CompletableFuture<Integer> post(WebhookDelivery delivery, boolean forged) {
        long timestamp = Instant.now().getEpochSecond();
        String secret = forged ? config.secret() + "_forged" : config.secret();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(delivery.url))
                    .timeout(config.timeout())
                    .header("Content-Type", "application/json")
                    .header("CallingBox-Signature", WebhookSignature.header(secret, timestamp, delivery.body))
                    .header("CallingBox-Event-Id", delivery.id.toString())
                    .header("CallingBox-Event-Type", delivery.eventType)
                    .header("X-CallingBox-Event", delivery.eventType)
                    .header("X-CallingBox-Call-Id", delivery.callId.toString())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body))
                    .build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode);
    }

    private void succeeded(WebhookDelivery delivery, long round, int status) {
        Instant now = clock.now();
        synchronized (delivery) {
            if (!delivery.awaits(round)) {
                return;
            }
            delivery.attemptCount++;
            delivery.status = "delivered";
            delivery.lastResponseStatus = status;
            delivery.nextAttemptAt = null;
            if (delivery.deliveredAt == null) {
                delivery.deliveredAt = now;
            }
            delivery.updatedAt = now;
        }
        if (delivery.summarises != null) {
            delivery.summarises.webhookDelivered(now);
        }
    }

    private void failed(WebhookDelivery delivery, long round, Integer status, String error) {
        Instant now = clock.now();
        boolean exhausted;
        synchronized (delivery) {
            if (!delivery.awaits(round)) {
                return;
            }
            delivery.attemptCount++;
            delivery.lastError = error;
            delivery.lastResponseStatus = status;
            delivery.updatedAt = now;
            exhausted = delivery.attemptCount >= MAX_ATTEMPTS;
            if (exhausted) {
                delivery.status = "exhausted";
                delivery.nextAttemptAt = null;
            } else {
                Duration wait = clock.real(jittered(RETRY_SCHEDULE.get(delivery.attemptCount - 1)));
                delivery.nextAttemptAt = now.plus(wait).truncatedTo(ChronoUnit.MICROS);
                clock.afterReal(wait, () -> attempt(delivery, round, true));
            }
        }
        if (exhausted && delivery.summarises != null) {
            delivery.summarises.webhookFailed(error, now);
        }
    }

    private Duration jittered(Duration wait) {
        return Duration.ofNanos(Math.round(wait.toNanos() * random.between(1 - JITTER, 1 + JITTER)));
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException) {
            return "receiver did not answer within the timeout";
        }
        String message = cause.getMessage();
        return "could not reach the receiver: "
                + (message == null || message.isBlank() ? cause.getClass().getSimpleName() : message);
    }

    /**
     * Puts a delivery back to pending with the same event id and sends it again at once.
     *
     * @return the delivery record as it stands right after the reset, before the new attempt
     */
    Optional<ObjectNode> redeliver(UUID id) {
        WebhookDelivery delivery = deliveries.get(id);
        if (delivery == null) {
            return Optional.empty();
        }
        Instant now = clock.now();
        long round;
        ObjectNode record;
        synchronized (delivery) {
            round = ++delivery.round;
            delivery.status = "pending";
            delivery.manualRetryCount++;
            delivery.nextAttemptAt = now;
            delivery.updatedAt = now;
            record = delivery.toJson();
        }
        if (delivery.summarises != null) {
            delivery.summarises.webhookPending(now);
        }
        clock.afterReal(Duration.ZERO, () -> attempt(delivery, round, true));
        return Optional.of(record);
    }

    /** Delivery records, newest first, that pass the filter; at most limit of them. */
    List<WebhookDelivery> list(Predicate<WebhookDelivery> filter, int limit) {
        return deliveries.values().stream()
                .filter(filter)
                .sorted(Comparator.comparing((WebhookDelivery d) -> d.createdAt)
                        .thenComparingLong(d -> d.sequence)
                        .reversed())
                .limit(limit)
                .toList();
    }

    @PreDestroy
    void stop() {
        epoch++;
        httpThreads.shutdownNow();
    }
}
