package io.callingboxgateway.transcripts;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.github.tomakehurst.wiremock.client.WireMock;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.CallingBoxWireMock;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestCall;
import io.callingboxgateway.testing.TestCredentials;
import io.callingboxgateway.upstream.UpstreamFixtures;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /calls/{id}/transcript: who may read it, and what a caller gets when there is none. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = CallingBoxWireMock.class, scope = TestResourceScope.GLOBAL)
class TranscriptResourceTest {

    @Inject
    TranscriptFetcher fetcher;

    @Inject
    Reconciler reconciler;

    @Inject
    EntityManager em;

    UUID withTranscript;

    @BeforeEach
    void storeOne() {
        UpstreamFixtures.emptyStore(em);
        CallingBoxWireMock.server().resetAll();
        TestCall call = TestCall.completed(UUID.randomUUID().toString(), "2026-04-16T10:00:00Z");
        reconciler.apply(call.snapshot(), Source.WEBHOOK, null);
        withTranscript = call.id();
        TranscriptFetcherTest.transcriptIs(
                withTranscript,
                WireMock.okJson(TranscriptFetcherTest.transcript(withTranscript, TranscriptFetcherTest.SEGMENTS)));
        fetcher.fetchDue(Instant.now());
    }

    @Test
    void aCallWithoutATranscriptIs404AndAMalformedIdIs400() {
        given().get("/calls/{id}/transcript", UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404));
        given().get("/calls/{id}/transcript", "not-a-uuid")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("id"));
    }

    @Test
    void readingATranscriptNeedsBothCallsReadAndPiiRead() {
        String callsOnly = issue("calls-only", "calls:read");
        String piiOnly = issue("pii-only", "pii:read");
        String both = issue("both", "calls:read", "pii:read");

        TestCredentials.bearer(callsOnly)
                .get("/calls/{id}/transcript", withTranscript)
                .then()
                .statusCode(403);
        TestCredentials.bearer(piiOnly)
                .get("/calls/{id}/transcript", withTranscript)
                .then()
                .statusCode(403);
        TestCredentials.anonymous()
                .get("/calls/{id}/transcript", withTranscript)
                .then()
                .statusCode(401);
        TestCredentials.bearer(both)
                .get("/calls/{id}/transcript", withTranscript)
                .then()
                .statusCode(200)
                .body("call_id", equalTo(withTranscript.toString()))
                .body("segments[0].sequence_no", equalTo(1));
        TestCredentials.bearer(callsOnly)
                .get("/calls/{id}", withTranscript)
                .then()
                .statusCode(200);
    }

    @Test
    void theTranscriptTextIsNeverLogged() throws IOException {
        Path log = Path.of(ConfigProvider.getConfig().getValue("quarkus.log.handler.file.\"scan\".path", String.class));

        assertFalse(Files.readString(log).contains("Tuesday still works"), "a transcript's words in the log");
    }

    private static String issue(String name, String... scopes) {
        String list = String.join("\", \"", scopes);
        return given().contentType("application/json")
                .body("{\"name\": \"" + name + "-" + UUID.randomUUID() + "\", \"scopes\": [\"" + list + "\"]}")
                .post("/api-keys")
                .then()
                .statusCode(201)
                .extract()
                .path("key");
    }
}
