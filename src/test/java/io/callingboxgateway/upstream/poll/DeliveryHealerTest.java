package io.callingboxgateway.upstream.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callingboxgateway.testing.CallingBoxWireMock;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.upstream.CallingBoxClient;
import io.callingboxgateway.upstream.UpstreamFixtures;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = CallingBoxWireMock.class, scope = TestResourceScope.GLOBAL)
class DeliveryHealerTest {

    static final String REDELIVER = "/v1/webhook_deliveries/.*/redeliver";

    @Inject
    DeliveryHealer healer;

    @Inject
    EntityManager em;

    @Inject
    CircuitBreakerMaintenance breakers;

    @BeforeEach
    void reset() {
        UpstreamFixtures.emptyStore(em);
        CallingBoxWireMock.server().resetAll();
        breakers.reset(CallingBoxClient.BREAKER);
        CallingBoxWireMock.server()
                .stubFor(post(urlPathMatching(REDELIVER)).willReturn(okJson("{\"status\": \"pending\"}")));
    }

    @Test
    void exhaustedDeliveriesAreRedeliveredOnceEach() {
        List<UUID> deliveries = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        UUID forgotten = deliveries.get(2);
        CallingBoxWireMock.server()
                .stubFor(post(urlPathEqualTo("/v1/webhook_deliveries/" + forgotten + "/redeliver"))
                        .willReturn(aResponse().withStatus(404).withBody("{\"error\": \"delivery not found\"}")));
        exhausted(deliveries);

        DeliveryHealer.Report first = healer.heal(Instant.now());
        DeliveryHealer.Report second = healer.heal(Instant.now());

        assertEquals(new DeliveryHealer.Report(3, 2, 1), first);
        assertEquals(new DeliveryHealer.Report(3, 0, 0), second);
        assertEquals(3, redeliveries(), "each delivery asked for once, however many polls see it exhausted");
    }

    @Test
    void aPollRedeliversAtMostTheConfiguredBatch() {
        List<UUID> deliveries = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            deliveries.add(UUID.randomUUID());
        }
        exhausted(deliveries);

        assertEquals(20, healer.heal(Instant.now()).requested());
        assertEquals(5, healer.heal(Instant.now()).requested());
        assertEquals(25, redeliveries());
    }

    private void exhausted(List<UUID> deliveries) {
        String data = deliveries.stream()
                .map(id -> "{\"id\": \"" + id + "\", \"call_id\": \"" + UUID.randomUUID()
                        + "\", \"event_type\": \"call.completed\", \"status\": \"exhausted\", \"attempt_count\": 8}")
                .collect(Collectors.joining(",", "{\"data\": [", "]}"));
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/webhook_deliveries"))
                        .withQueryParam("status", equalTo("exhausted"))
                        .willReturn(okJson(data)));
    }

    private int redeliveries() {
        return CallingBoxWireMock.server()
                .findAll(postRequestedFor(urlPathMatching(REDELIVER)))
                .size();
    }
}
