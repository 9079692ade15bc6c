package io.callingboxgateway.subscriptions.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.callingboxgateway.subscriptions.SubscriptionApi;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.Receiver;
import io.callingboxgateway.testing.SignedWebhook;
import io.callingboxgateway.testing.TestDatabase;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With tracing on, one trace runs from the signed webhook through reconcile to the push that delivers
 * the event it wrote, although the push happens later, on a delivery thread.
 */
@QuarkusTest
@TestProfile(PushTracingTest.TracingOn.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class PushTracingTest {

    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.otel.sdk.disabled", "false",
                    "quarkus.otel.bsp.schedule.delay", "50ms");
        }
    }

    /** Spans stay in memory (the default exporter setting takes every SpanExporter bean). */
    @ApplicationScoped
    static class Exporter {
        @Produces
        @Singleton
        InMemorySpanExporter inMemory() {
            return InMemorySpanExporter.create();
        }
    }

    @Inject
    InMemorySpanExporter spans;

    @Inject
    TestDatabase db;

    private Receiver receiver;

    @AfterEach
    void cleanUp() {
        db.update("delete from subscription");
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void theWebhookItsReconcileAndThePushThatDeliversItShareOneTrace() {
        receiver = Receiver.start();
        SubscriptionApi.subscribe(receiver.url(), List.of("call.created"));
        UUID call = UUID.randomUUID();

        SignedWebhook.post(SignedWebhook.envelope(UUID.randomUUID(), "call.queued", call, "queued", Instant.now()))
                .statusCode(200);

        long eventId = await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver.acknowledgedAbout(List.of(call)), p -> p.size() == 1)
                .get(0)
                .eventId();
        SpanData push = await().atMost(Duration.ofSeconds(10))
                .until(() -> pushSpanOf(eventId), Optional::isPresent)
                .get();
        SpanData reconcile = reconcileSpanOf(call).orElseThrow();
        SpanData webhook = spans.getFinishedSpanItems().stream()
                .filter(span -> span.getKind() == SpanKind.SERVER)
                .filter(span -> span.getTraceId().equals(reconcile.getTraceId()))
                .findFirst()
                .orElse(null);

        assertNotNull(webhook, "a server span in the reconcile's trace: " + spans.getFinishedSpanItems());
        assertEquals("POST /webhooks/callingbox", webhook.getName());
        assertEquals(webhook.getTraceId(), push.getTraceId(), "the push continues the webhook's trace");
        assertEquals(reconcile.getSpanId(), push.getParentSpanId(), "the push is a child of the reconcile");
        assertEquals(200L, attribute(push, "http.response.status_code"));
    }

    private Optional<SpanData> pushSpanOf(long eventId) {
        return spans.getFinishedSpanItems().stream()
                .filter(span -> span.getName().equals("subscription push"))
                .filter(span -> Long.valueOf(eventId).equals(attribute(span, "gateway.event.id")))
                .findFirst();
    }

    private Optional<SpanData> reconcileSpanOf(UUID call) {
        return spans.getFinishedSpanItems().stream()
                .filter(span -> span.getName().equals("reconcile"))
                .filter(span -> call.toString().equals(attribute(span, "gateway.call.id")))
                .findFirst();
    }

    private static Object attribute(SpanData span, String name) {
        return span.getAttributes().asMap().entrySet().stream()
                .filter(e -> e.getKey().getKey().equals(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }
}
