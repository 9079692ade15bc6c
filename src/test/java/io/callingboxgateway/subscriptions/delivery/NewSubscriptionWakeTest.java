package io.callingboxgateway.subscriptions.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callingboxgateway.subscriptions.SubscriptionApi;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.Receiver;
import io.callingboxgateway.testing.SignedWebhook;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A subscription created on a replica that had none is delivered to as soon as its first event commits,
 * not at the next poll: the poll interval here is an hour, so only the wake-up on new events can push.
 */
@QuarkusTest
@TestProfile(NewSubscriptionWakeTest.HourlyPoll.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class NewSubscriptionWakeTest {

    public static class HourlyPoll implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.subscription.poll-interval", "1h");
        }
    }

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
    void theFirstSubscriptionIsPushedItsFirstEventWithoutWaitingForAPoll() {
        receiver = Receiver.start();
        SubscriptionApi.subscribe(receiver.url(), List.of("call.created"));
        UUID call = UUID.randomUUID();

        SignedWebhook.post(SignedWebhook.envelope(UUID.randomUUID(), "call.queued", call, "queued", Instant.now()))
                .statusCode(200);

        Receiver.Push push = receiver.awaitOnlyPushAbout(call, Duration.ofSeconds(30));
        assertEquals("call.created", push.type());
    }
}
