package io.callingboxgateway.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callingboxgateway.packaged.GatewayProcess;
import io.callingboxgateway.packaged.PostgresProcess;
import io.callingboxgateway.testing.SignedWebhook;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fuzzer of bench/fuzz.sh, 5,000 requests against the packaged application: no answer is a 5xx
 * other than 503, and the 3,000 requests that carry no valid webhook signature and no valid credential
 * for a write (garbage, broken signatures, unauthenticated writes, hostile reads) change no row.
 */
class FuzzIT {

    private static PostgresProcess database;
    private static GatewayProcess gateway;

    private static final List<String> TABLES = List.of(
            "call",
            "call_event",
            "webhook_receipt",
            "call_decision",
            "call_refresh",
            "subscription",
            "api_key",
            "dead_letter",
            "webhook_redelivery");

    /** One gateway for both tests: booting the packaged application is most of this class's time. */
    @BeforeAll
    static void start() {
        database = new PostgresProcess().start();
        gateway = new GatewayProcess("fuzz-it", database.jdbcUrl(), Map.of("gateway.events.heartbeat", "1s")).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void fiveThousandHostileRequestsGetNo5xxButUnavailableAndUnsignedOnesChangeNothing() throws Exception {
        RequestFuzzer fuzzer =
                new RequestFuzzer(gateway.api("/").toString(), gateway.webhookSecret(), gateway.adminKey());

        Map<String, Long> before = rows(database);
        RequestFuzzer.Report unsigned = fuzzer.run(3_000, 4, 11, true);
        assertEquals(before, rows(database), "rows after unsigned input; answers " + unsigned.byOutcome());

        RequestFuzzer.Report all = fuzzer.run(2_000, 4, 20_000, false);
        System.out.printf(
                "FuzzIT: unsigned 3000 %s; with signed 2000 %s; 5xx other than 503: %d%n",
                unsigned.byOutcome(), all.byOutcome(), unsigned.serverErrorCount() + all.serverErrorCount());
        assertEquals(List.of(), unsigned.serverErrors(), "unsigned requests answered 5xx; " + gateway.logTail());
        assertEquals(List.of(), all.serverErrors(), "requests answered 5xx; " + gateway.logTail());
    }

    /** The fuzzer's first find: a NUL character, which PostgreSQL's text cannot hold, once answered 500. */
    @Test
    void aSignedWebhookWithAValuePostgresCannotHoldIs400AndStoresNothing() throws Exception {
        UUID callId = UUID.randomUUID();
        UUID eventId = UUID.randomUUID();
        byte[] body = SignedWebhook.envelope(eventId, "call.queued\\u0000", callId, "queued", Instant.now())
                .getBytes(UTF_8);
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(gateway.api(SignedWebhook.PATH))
                                .header("Content-Type", "application/json")
                                .header(
                                        "CallingBox-Signature",
                                        SignedWebhook.signature(gateway.webhookSecret(), SignedWebhook.now(), body))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(400, answer.statusCode(), answer.body());
        assertEquals(0, database.count("select count(*) from call where id = '" + callId + "'"));
        assertEquals(0, database.count("select count(*) from webhook_receipt where event_id = '" + eventId + "'"));
    }

    private static Map<String, Long> rows(PostgresProcess database) throws Exception {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String table : TABLES) {
            rows.put(table, database.count("select count(*) from " + table));
        }
        return rows;
    }
}
