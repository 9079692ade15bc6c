package io.callingboxgateway.subscriptions;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The subscriptions API as a subscriber's operator calls it, for the tests of every package that needs one. */
public final class SubscriptionApi {

    /** A subscription as created: its id and the signing secret shown once. */
    public record Subscribed(String id, String secret) {}

    private SubscriptionApi() {}

    /** {@code POST /subscriptions}, answered 201. */
    public static Subscribed subscribe(String url, List<String> types) {
        JsonPath created = JsonPath.from(create(Map.of("url", url, "event_types", types))
                .statusCode(201)
                .extract()
                .asString());
        return new Subscribed(created.getString("id"), created.getString("signing_secret"));
    }

    /** {@code POST /subscriptions} with {@code include_personal_data} (the test key holds pii:read), answered 201. */
    public static Subscribed subscribeWithPersonalData(String url, List<String> types) {
        JsonPath created = JsonPath.from(create(Map.of("url", url, "event_types", types, "include_personal_data", true))
                .statusCode(201)
                .extract()
                .asString());
        return new Subscribed(created.getString("id"), created.getString("signing_secret"));
    }

    /** {@code GET /subscriptions/{id}}, answered 200. */
    public static JsonPath state(Subscribed subscription) {
        return JsonPath.from(given().get("/subscriptions/" + subscription.id())
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }

    public static ValidatableResponse create(Map<String, ?> body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .post("/subscriptions")
                .then()
                .log()
                .ifValidationFails();
    }

    public static ValidatableResponse patch(String id, Map<String, ?> body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .patch("/subscriptions/" + id)
                .then()
                .log()
                .ifValidationFails();
    }

    public static ValidatableResponse replay(String id, String from) {
        return given().queryParams(from == null ? Map.of() : Map.of("from", from))
                .post("/subscriptions/" + id + "/replay")
                .then()
                .log()
                .ifValidationFails();
    }

    /** The id of the newest event, as the feed's cursor shows it. */
    public static long head() {
        String cursor = given().get("/events?limit=1&type=call.created&call_id=" + UUID.randomUUID())
                .then()
                .statusCode(200)
                .extract()
                .path("next_cursor");
        return Long.parseLong(cursor);
    }
}
