package io.callingboxgateway.transcripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.github.tomakehurst.wiremock.client.WireMock;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.CallingBoxWireMock;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestCall;
import io.callingboxgateway.upstream.UpstreamFixtures;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** CALLINGBOX_TRANSCRIPTS=off: calls still end with a conversation, and CallingBox is never asked. */
@QuarkusTest
@TestProfile(TranscriptsOffTest.Off.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = CallingBoxWireMock.class, scope = TestResourceScope.GLOBAL)
class TranscriptsOffTest {

    public static class Off implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("callingbox.transcripts", "off");
        }
    }

    @Inject
    TranscriptFetcher fetcher;

    @Inject
    Reconciler reconciler;

    @Inject
    EntityManager em;

    @Test
    void nothingIsFetched() {
        UpstreamFixtures.emptyStore(em);
        CallingBoxWireMock.server().resetAll();
        TestCall call = TestCall.completed(UUID.randomUUID().toString(), "2026-04-16T10:00:00Z");
        TranscriptFetcherTest.transcriptIs(
                call.id(),
                WireMock.okJson(TranscriptFetcherTest.transcript(call.id(), TranscriptFetcherTest.SEGMENTS)));
        reconciler.apply(call.snapshot(), Source.POLL, null);

        assertFalse(fetcher.enabled());
        assertEquals(
                new TranscriptFetcher.Report(0, 0, 0, 0),
                fetcher.fetchDue(Instant.now().plus(Duration.ofDays(1))));
        assertEquals(0, TranscriptFetcherTest.requests(call.id()));
    }
}
