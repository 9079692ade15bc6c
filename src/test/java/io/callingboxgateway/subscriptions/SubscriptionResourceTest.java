package io.callingboxgateway.subscriptions;

import static io.callingboxgateway.subscriptions.SubscriptionApi.create;
import static io.callingboxgateway.subscriptions.SubscriptionApi.head;
import static io.callingboxgateway.subscriptions.SubscriptionApi.patch;
import static io.callingboxgateway.subscriptions.SubscriptionApi.replay;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SubscriptionResourceTest {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    TestDatabase db;

    @Inject
    Reconciler reconciler;

    @BeforeEach
    @AfterEach
    void noSubscriptions() {
        db.update("delete from subscription");
    }

    @Test
    void createAnswers201WithTheSecretWhichIsNeverShownAgain() {
        long head = head();
        ValidatableResponse created = create(Map.of(
                        "url", "http://127.0.0.1:9/hook", "description", "billing sync", "event_types", List.of("*")))
                .statusCode(201)
                .contentType(ContentType.JSON)
                .body("url", equalTo("http://127.0.0.1:9/hook"))
                .body("event_types", equalTo(List.of("*")))
                .body("description", equalTo("billing sync"))
                .body("enabled", equalTo(true))
                .body("position", equalTo((int) head))
                .body("lag", equalTo(0))
                .body("consecutive_failures", equalTo(0))
                .body("disabled_reason", nullValue())
                .body("created_at", notNullValue())
                .body("signing_secret", matchesPattern("whsec_[A-Za-z0-9+/]{43}="));
        String id = created.extract().path("id");
        String secret = created.extract().path("signing_secret");
        created.header("Location", endsWith("/subscriptions/" + id));
        assertEquals(32, Base64.getDecoder().decode(secret.substring(6)).length);

        given().get("/subscriptions/" + id)
                .then()
                .statusCode(200)
                .body("id", equalTo(id))
                .body("$", not(hasKey("signing_secret")));
        String list = given().get("/subscriptions")
                .then()
                .statusCode(200)
                .body("data.id", hasItem(id))
                .extract()
                .asString();
        assertEquals(-1, list.indexOf(secret.substring(6)), "the secret must not be listed");
        assertEquals(-1, list.indexOf("signing_secret"));
    }

    @Test
    void eventTypesDefaultToAllAndEnabledToTrue() {
        create(Map.of("url", "http://localhost:9/hook"))
                .statusCode(201)
                .body("event_types", equalTo(List.of("*")))
                .body("enabled", equalTo(true))
                .body("description", nullValue());
    }

    /** The test profile lists 127.0.0.1, ::1 and localhost in GATEWAY_SUBSCRIPTION_ALLOWED_HOSTS. */
    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:9/hook", "http://localhost:9/hook", "http://[::1]:9/hook"})
    void listedHostsAreAllowedOnAnyPort(String url) {
        create(Map.of("url", url)).statusCode(201).body("url", equalTo(url));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "ftp://127.0.0.1/hook | url refused (scheme)",
                "127.0.0.1/hook | url refused (scheme)",
                "http://user:pass@127.0.0.1:9/hook | url refused (credentials in URL)",
                "http://169.254.169.254/latest/meta-data/ | url refused (host not in GATEWAY_SUBSCRIPTION_ALLOWED_HOSTS)",
                "https://10.1.2.3/hook | url refused (host not in GATEWAY_SUBSCRIPTION_ALLOWED_HOSTS)",
                "http://127.0.0.2:9/hook | url refused (host not in GATEWAY_SUBSCRIPTION_ALLOWED_HOSTS)",
                "http://[fe80::1]/ | url refused (host not in GATEWAY_SUBSCRIPTION_ALLOWED_HOSTS)",
                "http://0.0.0.0:9/ | url refused (host not in GATEWAY_SUBSCRIPTION_ALLOWED_HOSTS)",
                "http://2130706433:9/ | url refused (invalid URL)"
            })
    void refusedUrlsAnswerAPreciseProblemAndStoreNothing(String url, String reason) {
        create(Map.of("url", url))
                .statusCode(400)
                .contentType(PROBLEM)
                .body("status", equalTo(400))
                .body("parameter", equalTo("url"))
                .body("detail", containsString(reason));
        given().get("/subscriptions").then().body("data", hasSize(0));
    }

    @Test
    void aMissingUrlOrABodyThatIsNotJsonIsAProblem() {
        create(Map.of("event_types", List.of("*")))
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("url must not be blank"));
        given().contentType(ContentType.JSON)
                .body("{\"url\": ")
                .post("/subscriptions")
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
        given().get("/subscriptions").then().body("data", hasSize(0));
    }

    @Test
    void unknownEventTypesAreRefusedListingTheValidOnes() {
        create(Map.of("url", "http://127.0.0.1:9/hook", "event_types", List.of("call.created", "call.exploded")))
                .statusCode(400)
                .contentType(PROBLEM)
                .body("parameter", equalTo("event_types"))
                .body(
                        "detail",
                        equalTo("event_types: 'call.exploded' is not an event type; valid types: call.created,"
                                + " call.status_changed, call.result_ready, call.webhook_status_changed,"
                                + " call.updated, call.transcript_ready, call.erased, or \"*\" for all"));
        create(Map.of("url", "http://127.0.0.1:9/hook", "event_types", List.of("*", "call.created")))
                .statusCode(400)
                .body("detail", containsString("\"*\" already means all event types"));
        create(Map.of("url", "http://127.0.0.1:9/hook", "event_types", List.of()))
                .statusCode(400)
                .body("detail", containsString("must not be empty"));
        create(Map.of(
                        "url",
                        "http://127.0.0.1:9/hook",
                        "event_types",
                        List.of("call.status_changed", "call.created", "call.created")))
                .statusCode(201)
                .body("event_types", equalTo(List.of("call.created", "call.status_changed")));
    }

    @Test
    void patchChangesOnlyWhatItNamesAndReEnablingClearsTheReason() {
        String id = create(Map.of("url", "http://127.0.0.1:9/hook", "description", "first"))
                .extract()
                .path("id");

        patch(id, Map.of("event_types", List.of("call.result_ready")))
                .statusCode(200)
                .body("event_types", equalTo(List.of("call.result_ready")))
                .body("description", equalTo("first"))
                .body("url", equalTo("http://127.0.0.1:9/hook"));
        patch(id, Map.of("enabled", false))
                .statusCode(200)
                .body("enabled", equalTo(false))
                .body("disabled_reason", equalTo("disabled_by_request"))
                .body("disabled_at", notNullValue());
        patch(id, Map.of("enabled", true, "url", "http://127.0.0.1:10/hook", "description", ""))
                .statusCode(200)
                .body("enabled", equalTo(true))
                .body("disabled_reason", nullValue())
                .body("disabled_at", nullValue())
                .body("consecutive_failures", equalTo(0))
                .body("url", equalTo("http://127.0.0.1:10/hook"))
                .body("description", nullValue())
                .body("$", not(hasKey("signing_secret")));

        patch(id, Map.of("url", "http://169.254.169.254/"))
                .statusCode(400)
                .contentType(PROBLEM)
                .body("parameter", equalTo("url"));
        patch(id, Map.of("event_types", List.of("nope"))).statusCode(400).body("parameter", equalTo("event_types"));
        given().get("/subscriptions/" + id)
                .then()
                .body("url", equalTo("http://127.0.0.1:10/hook"))
                .body("event_types", equalTo(List.of("call.result_ready")));
    }

    @Test
    void deleteAnswers204ThenTheSubscriptionIsGone() {
        String id = create(Map.of("url", "http://127.0.0.1:9/hook")).extract().path("id");

        given().delete("/subscriptions/" + id).then().statusCode(204);

        given().get("/subscriptions/" + id).then().statusCode(404).contentType(PROBLEM);
        given().delete("/subscriptions/" + id).then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void malformedIdsAre400AndUnknownOnes404() {
        String unknown = "3f1c2a34-0000-4000-8000-000000000000";
        for (String path : List.of("/subscriptions/%s", "/subscriptions/%s/dead_letters")) {
            given().get(path.formatted("not-a-uuid"))
                    .then()
                    .statusCode(400)
                    .contentType(PROBLEM)
                    .body("parameter", equalTo("id"));
            given().get(path.formatted(unknown))
                    .then()
                    .statusCode(404)
                    .contentType(PROBLEM)
                    .body("detail", equalTo("no subscription with id " + unknown));
        }
        patch(unknown, Map.of("enabled", false)).statusCode(404).contentType(PROBLEM);
        given().post("/subscriptions/" + unknown + "/replay?from=0").then().statusCode(404);
        given().post("/subscriptions/not-a-uuid/replay?from=0").then().statusCode(400);
    }

    @Test
    void replayChecksItsCursorAgainstTheFeed() {
        String id = create(Map.of("url", "http://127.0.0.1:9/hook")).extract().path("id");
        long head = head();

        replay(id, null).statusCode(400).contentType(PROBLEM).body("parameter", equalTo("from"));
        replay(id, "yesterday")
                .statusCode(400)
                .contentType(PROBLEM)
                .body("detail", containsString("must be an event id"));
        replay(id, Long.toString(head + 1000))
                .statusCode(400)
                .body("detail", containsString("points outside the feed"));
        replay(id, Long.toString(head))
                .statusCode(202)
                .body("position", equalTo((int) head))
                .body("lag", equalTo(0));
    }

    @Test
    void replayFromBeforeTheRetainedRangeIsGone() {
        TestCalls.create(reconciler);
        String id = create(Map.of("url", "http://127.0.0.1:9/hook")).extract().path("id");
        long head = head();
        long floor = retentionFloor();
        setRetentionFloor(head);
        try {
            replay(id, Long.toString(head - 1))
                    .statusCode(410)
                    .contentType(PROBLEM)
                    .body("parameter", equalTo("from"));
        } finally {
            setRetentionFloor(floor);
        }
    }

    @Test
    void aNewSubscriptionHasNoDeadLetters() {
        String id = create(Map.of("url", "http://127.0.0.1:9/hook")).extract().path("id");

        given().get("/subscriptions/" + id + "/dead_letters")
                .then()
                .statusCode(200)
                .body("data", hasSize(0))
                .body("has_more", equalTo(false));
        given().get("/subscriptions/" + id + "/dead_letters?after=x").then().statusCode(400);
    }

    private long retentionFloor() {
        return db.deletedThrough();
    }

    private void setRetentionFloor(long floor) {
        db.update("update event_retention set deleted_through = ?", floor);
    }
}
