package io.callingboxgateway.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The wire side of the simulator's webhooks: the envelope CallingBox sends and one signed POST of it,
 * with the headers CallingBox sets. What happens around an attempt (faults, retries, the delivery
 * record) is {@link WebhookSender}'s.
 */
final class WebhookPost implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SandboxConfig.Webhook config;
    private final ExecutorService threads;
    private final HttpClient http;

    WebhookPost(SandboxConfig.Webhook config) {
        this.config = config;
        this.threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "sandbox-webhooks");
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder()
                .executor(threads)
                .connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The body of one event, as CallingBox serialises it. */
    static byte[] envelope(UUID id, String eventType, Instant created, ObjectNode call) {
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

    /**
     * Posts the delivery's body, signed now with the endpoint's secret (or a wrong one when forged).
     *
     * @return the receiver's status code, or a failure when it could not be reached in time
     */
    CompletableFuture<Integer> send(WebhookDelivery delivery, boolean forged) {
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

    /** A failed send in the words of the delivery record's {@code last_error}. */
    static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException) {
            return "receiver did not answer within the timeout";
        }
        String message = cause.getMessage();
        return "could not reach the receiver: "
                + (message == null || message.isBlank() ? cause.getClass().getSimpleName() : message);
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
