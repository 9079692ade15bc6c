package io.callingboxgateway.events;

import static io.callingboxgateway.model.CallField.CONTEXT;
import static io.callingboxgateway.model.CallField.FROM_NUMBER;
import static io.callingboxgateway.model.CallField.METADATA;
import static io.callingboxgateway.model.CallField.PROMPT;
import static io.callingboxgateway.model.CallField.RESULT;
import static io.callingboxgateway.model.CallField.RESULT_STATUS;
import static io.callingboxgateway.model.CallField.STATUS;
import static io.callingboxgateway.model.CallField.TO_NUMBER;
import static io.callingboxgateway.model.CallField.UPDATED_AT;
import static io.callingboxgateway.testing.TestCredentials.bearer;
import static io.callingboxgateway.testing.TestCredentials.issue;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.CallBuilder;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every read path seen with a key holding calls:read and events:read, and with one holding pii:read
 * too: the first sees numbers masked and no conversation content, the second the call whole.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class PersonalDataReadsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CONTENT = List.of("prompt", "instructions", "context", "result", "metadata");

    private static String maskedKey;
    private static String fullKey;

    @Inject
    Reconciler reconciler;

    @Inject
    TestDatabase db;

    @TestHTTPResource("/events/stream")
    URI stream;

    private UUID call;
    private String to;
    private String from;
    private String prompt;
    private long head;

    @BeforeEach
    void aCallWithPersonalData() {
        if (maskedKey == null) {
            maskedKey = issue("pii-masked", "calls:read", "events:read");
            fullKey = issue("pii-full", "calls:read", "events:read", "pii:read");
        }
        call = UUID.randomUUID();
        to = "+1555" + digits(7);
        from = "+4420" + digits(8);
        prompt = "Tell Ada Lovelace her results are in " + call;
        head = db.head();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        CallSnapshot queued = CallBuilder.queued(call, at)
                .set(TO_NUMBER, to)
                .set(FROM_NUMBER, from)
                .set(PROMPT, prompt)
                .set(CONTEXT, JSON.createObjectNode().put("patient", "Ada Lovelace"))
                .build();
        reconciler.apply(queued, Source.POLL, null);
        // metadata arrives only in the object as received: the served call takes it from there
        ObjectNode received = JSON.createObjectNode()
                .put("id", call.toString())
                .put("updated_at", at.plusSeconds(60).toString())
                .put("to_number", to);
        received.putObject("metadata").put("ticket", "Ada's ticket");
        CallSnapshot completed = CallBuilder.next(
                queued,
                c -> c.set(STATUS, "completed")
                        .set(RESULT_STATUS, "completed")
                        .set(RESULT, JSON.createObjectNode().put("summary", "Ada Lovelace booked"))
                        .set(METADATA, null)
                        .set(UPDATED_AT, at.plusSeconds(60)));
        reconciler.apply(CallBuilder.from(completed).raw(received).build(), Source.POLL, null);
    }

    @Test
    void oneCallShowsMaskedNumbersAndNoContentWithoutPiiRead() throws Exception {
        JsonNode masked = read(maskedKey, "/calls/" + call);
        assertMasked(masked);
        assertEquals("completed", masked.get("status").asText(), "what is not personal is served as it is");

        JsonNode full = read(fullKey, "/calls/" + call);
        assertWhole(full);
        String maskedTag = bearer(maskedKey).get("/calls/" + call).header("ETag");
        bearer(fullKey)
                .header("If-None-Match", maskedTag)
                .get("/calls/" + call)
                .then()
                .statusCode(200); // the masked copy a client holds is not the whole call's current version
        assertEquals("Ada's ticket", full.at("/metadata/ticket").asText());
    }

    @Test
    void theListFiltersByTheFullNumberAndShowsItMasked() throws Exception {
        String byNumber = "/calls?to_number=" + URLEncoder.encode(to, StandardCharsets.UTF_8);
        JsonNode data = read(maskedKey, byNumber).get("data");
        assertEquals(1, data.size(), "a reader who knows the number finds the call");
        assertMasked(data.get(0));
        assertEquals(
                1,
                read(maskedKey, "/calls?from_number=" + URLEncoder.encode(from, StandardCharsets.UTF_8))
                        .get("data")
                        .size());
        assertWhole(read(fullKey, byNumber).get("data").get(0));
    }

    @Test
    void theCallsHistoryShowsItsChangesMasked() throws Exception {
        JsonNode masked = read(maskedKey, "/calls/" + call + "/events");
        assertNoPersonalText(masked);
        JsonNode created = masked.at("/data/0/events/0/changes");
        assertEquals(maskOf(to), created.at("/to_number/after").asText());
        assertTrue(created.at("/prompt/after").isNull());

        JsonNode full = read(fullKey, "/calls/" + call + "/events");
        assertEquals(to, full.at("/data/0/events/0/changes/to_number/after").asText());
        assertTrue(full.toString().contains("Ada Lovelace booked"));
    }

    @Test
    void theFeedMasksEachEventsCallAndChanges() throws Exception {
        String resultReady = "/events?type=call.result_ready&call_id=" + call;
        JsonNode masked = read(maskedKey, "/events?call_id=" + call);
        assertEquals(3, masked.get("data").size(), "created, status_changed, result_ready");
        for (JsonNode event : masked.get("data")) {
            assertMasked(event.get("call"));
        }
        assertTrue(
                read(maskedKey, resultReady).at("/data/0/changes/result/after").isNull());

        JsonNode full = read(fullKey, "/events?call_id=" + call);
        for (JsonNode event : full.get("data")) {
            assertWhole(event.get("call"));
        }
        assertEquals(
                "Ada Lovelace booked",
                read(fullKey, resultReady)
                        .at("/data/0/changes/result/after/summary")
                        .asText());
    }

    @Test
    void theStreamMasksEveryEventForAReaderWithoutPiiRead() throws Exception {
        String query = "?after=" + head + "&call_id=" + call;
        try (SseClient masked = SseClient.open(URI.create(stream + query), authorization(maskedKey));
                SseClient full = SseClient.open(URI.create(stream + query), authorization(fullKey))) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> masked.ids().size() == 3 && full.ids().size() == 3);
            for (SseClient.Message message : masked.messages) {
                JsonNode event = JSON.readTree(message.data());
                assertMasked(event.get("call"));
                assertNoPersonalText(event.get("changes"));
            }
            for (SseClient.Message message : full.messages) {
                assertWhole(JSON.readTree(message.data()).get("call"));
            }
        }
    }

    private void assertMasked(JsonNode call) {
        assertEquals(maskOf(to), call.get("to_number").asText());
        assertEquals(maskOf(from), call.get("from_number").asText());
        for (String field : CONTENT) {
            assertTrue(call.get(field).isNull(), field + " is not shown: " + call);
        }
        assertTrue(call.get("redacted").asBoolean());
        assertNoPersonalText(call);
    }

    private void assertWhole(JsonNode call) {
        assertEquals(to, call.get("to_number").asText());
        assertEquals(from, call.get("from_number").asText());
        assertEquals(prompt, call.get("prompt").asText());
        assertFalse(call.has("redacted"), "a call shown whole carries no flag");
    }

    private void assertNoPersonalText(JsonNode served) {
        String text = served.toString();
        for (String personal : List.of(to, from, "Ada Lovelace", "Ada's ticket")) {
            assertFalse(text.contains(personal), personal + " in " + text);
        }
    }

    /** The documented shape: +, the first digit, seven dots, the last four digits. */
    private static String maskOf(String number) {
        return "+" + number.charAt(1) + "•••••••" + number.substring(number.length() - 4);
    }

    private static JsonNode read(String key, String path) throws Exception {
        return JSON.readTree(bearer(key)
                .urlEncodingEnabled(false)
                .get(path)
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }

    private static Map<String, String> authorization(String key) {
        return Map.of("Authorization", "Bearer " + key);
    }

    private static String digits(int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append(ThreadLocalRandom.current().nextInt(10));
        }
        return out.toString();
    }
}
