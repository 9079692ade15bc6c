package io.callingboxgateway.subscriptions.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.events.EventView;
import io.callingboxgateway.subscriptions.SubscriberUrlPolicy;
import io.callingboxgateway.subscriptions.SubscriptionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;

/**
 * Posts one event to one subscriber, signed as Standard Webhooks prescribes. The URL is checked
 * against the policy again right before the post (its name may resolve elsewhere by now); redirects
 * are not followed, since a redirect could lead where the policy would refuse to go.
 */
@ApplicationScoped
public class SubscriberClient {

    private final ObjectMapper json;
    private final SubscriberUrlPolicy urls;
    private final Duration timeout;
    private final HttpClient http;

    SubscriberClient(ObjectMapper json, SubscriptionConfig config) {
        this.json = json;
        this.urls = SubscriberUrlPolicy.from(config);
        this.timeout = config.attemptTimeout();
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The {@code webhook-id} of an event: the same for every attempt, so receivers can drop repeats. */
    public static String webhookId(long eventId) {
        return "evt_" + eventId;
    }

    public AttemptResult post(Claim claim, EventView event) {
        URI uri;
        try {
            uri = urls.check(claim.url());
        } catch (SubscriberUrlPolicy.Refused e) {
            return AttemptResult.failed(null, "refused: " + e.getMessage());
        }
        byte[] body = serialize(event);
        String id = webhookId(event.id());
        long timestamp = Instant.now().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "callingbox-gateway")
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", claim.signature(id, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            return judge(response);
        } catch (HttpTimeoutException e) {
            return AttemptResult.failed(null, "timed out after " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            return AttemptResult.failed(null, "could not connect (refused or unreachable)");
        } catch (IOException e) {
            return AttemptResult.failed(
                    null, e.getMessage() == null ? "request failed" : "request failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AttemptResult.failed(null, "interrupted: the replica is shutting down");
        }
    }

    private static AttemptResult judge(HttpResponse<Void> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return AttemptResult.delivered(status);
        }
        if (status == 429 || status == 503) {
            return AttemptResult.failed(
                    status,
                    "HTTP " + status,
                    RetrySchedule.parseRetryAfter(
                            response.headers().firstValue("Retry-After").orElse(null), Instant.now()));
        }
        if (status >= 300 && status < 400) {
            return AttemptResult.failed(status, "HTTP " + status + " (redirects are not followed)");
        }
        return AttemptResult.failed(status, "HTTP " + status);
    }

    private byte[] serialize(EventView event) {
        try {
            return json.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
