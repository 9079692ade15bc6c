package io.callingboxgateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.specification.RequestSpecification;

/** The event feed as a reader sees it, to compare with what another channel delivered. */
public final class Feed {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Feed() {}

    /** Event {@code eventId} as {@code GET /events} serves it to {@code reader}. */
    public static JsonNode item(RequestSpecification reader, long eventId) throws Exception {
        String page = reader.get("/events?limit=1&after=" + (eventId - 1))
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return JSON.readTree(page).get("data").get(0);
    }
}
