package io.callingboxgateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.testing.TestCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A consumer of {@code GET /events} over real HTTP, safe to use from a follower thread: it keeps its
 * cursor the way a consumer would, and only ever advances it to {@code next_cursor}.
 */
final class FeedClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI base;

    FeedClient(URI base) {
        this.base = base;
    }

    record Page(int status, JsonNode body) {

        List<Long> ids() {
            List<Long> ids = new ArrayList<>();
            body.get("data").forEach(event -> ids.add(event.get("id").asLong()));
            return ids;
        }

        long nextCursor() {
            return Long.parseLong(body.get("next_cursor").asText());
        }

        boolean hasMore() {
            return body.get("has_more").asBoolean();
        }
    }

    Page get(String query) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/events?" + query))
                .header("Authorization", TestCredentials.AUTHORIZATION)
                .timeout(Duration.ofSeconds(10))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Page(response.statusCode(), JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
