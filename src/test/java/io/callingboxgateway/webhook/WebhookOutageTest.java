package io.callingboxgateway.webhook;

import static io.callingboxgateway.testing.SignedWebhook.CURRENT_SECRET;
import static io.callingboxgateway.testing.SignedWebhook.envelope;
import static io.callingboxgateway.testing.SignedWebhook.now;
import static io.callingboxgateway.testing.SignedWebhook.post;
import static io.callingboxgateway.testing.SignedWebhook.signature;
import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callingboxgateway.testing.Metrics;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TcpProxy;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class WebhookOutageTest {

    @Inject
    DataSource db;

    private final TcpProxy database = PostgresResource.proxy();

    @AfterEach
    void reconnect() {
        database.restore();
    }

    @Test
    void databaseCutOffGives503AndTheRedeliveryIsAppliedOnceItReturns() {
        UUID event = UUID.randomUUID();
        UUID call = UUID.randomUUID();
        byte[] body = envelope(event, "call.answered", call, "in_progress", Instant.parse("2026-11-28T10:00:30Z"))
                .getBytes(UTF_8);
        String header = signature(CURRENT_SECRET, now(), body);

        database.cut();
        try {
            post(body, header)
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", "30")
                    .body("status", equalTo(503))
                    .body("detail", containsString("database is unavailable"));
        } finally {
            database.restore();
        }

        // CallingBox delivers the same bytes again
        post(body, header).statusCode(200).body("duplicate", equalTo(false)).body("outcome", equalTo("created"));

        given().get("/calls/{id}", call).then().statusCode(200).body("status", equalTo("in_progress"));
        assertEquals(1, StoreRows.scalar(db, "select count(*) from call where id = ?", call));
        assertEquals(1, StoreRows.scalar(db, "select count(*) from webhook_receipt where event_id = ?", event));
        assertEquals(1, StoreRows.scalar(db, "select count(*) from call_event where upstream_event_id = ?", event));
        assertEquals(1, Metrics.value("gateway_webhooks_rejected_total{reason=\"unavailable\"}"));
    }
}
