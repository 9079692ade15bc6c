package io.callingboxgateway.events;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.calls.CallSnapshot;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class EventFeedSmokeTest {

    @Inject
    Reconciler reconciler;

    @TestHTTPResource("/events/stream")
    URL stream;

    @Test
    void feedAndStreamServeAnAppliedSnapshot() throws Exception {
        String head = given().get("/events?limit=500")
                .then()
                .statusCode(200)
                .extract()
                .path("next_cursor");
        UUID id = UUID.randomUUID();
        Instant t = Instant.parse("2026-11-28T10:00:00Z");
        reconciler.apply(snapshot(id, "ringing", t), Source.WEBHOOK, UUID.randomUUID());

        given().get("/events?after=" + head)
                .then()
                .statusCode(200)
                .body("data", hasSize(1))
                .body("data[0].type", equalTo("call.created"))
                .body("data[0].call.id", equalTo(id.toString()))
                .body("has_more", equalTo(false));
        given().get("/calls/" + id + "/events").then().statusCode(200).body("data", hasSize(1));

        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(stream + "?after=" + head))
                .timeout(Duration.ofSeconds(20))
                .build();
        HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body()))) {
            reconciler.apply(snapshot(id, "in_progress", t.plusSeconds(5)), Source.POLL, null);
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("data:") && line.contains("call.status_changed")) {
                    break;
                }
            }
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("call.status_changed")), lines.toString());
    }

    static CallSnapshot snapshot(UUID id, String status, Instant t) {
        return new CallSnapshot(
                id,
                null,
                "+15551230001",
                "+15551230002",
                status,
                "outbound",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "pending",
                null,
                "en",
                null,
                "pending",
                null,
                t,
                t,
                null,
                null,
                null,
                null,
                null,
                "reserved",
                null,
                null,
                null,
                null,
                t);
    }
}
