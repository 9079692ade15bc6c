package io.callingboxgateway.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.callingboxgateway.packaged.EventLogAudit;
import io.callingboxgateway.packaged.GatewayProcess;
import io.callingboxgateway.packaged.PostgresProcess;
import io.callingboxgateway.testing.SignedWebhook;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two packaged replicas on one database, each with a fake CallingBox of its own (WireMock, same call
 * list), so that each fake's journal tells which replica polled: only the first polls while it lives;
 * killed with SIGKILL (no lease release), the other takes over within the lease and polls in what
 * was listed meanwhile, and no call gets a second {@code call.created}.
 */
class TwoReplicasIT {

    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration INTERVAL = Duration.ofSeconds(1); // the scheduler runs nothing more often
    private static final int BATCH = 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PostgresProcess database = new PostgresProcess();
    private final List<WireMockServer> upstreams = new ArrayList<>();
    private final List<GatewayProcess> replicas = new ArrayList<>();
    private final ArrayNode listed = JSON.createArrayNode();
    private final String cursorKey = HexFormat.of().formatHex(randomBytes(32));
    private final String secretsKey = Base64.getEncoder().encodeToString(randomBytes(32));

    @AfterEach
    void stop() throws Exception {
        replicas.forEach(GatewayProcess::close);
        upstreams.forEach(WireMockServer::stop);
        database.close();
    }

    @Test
    void onePollsAtATimeAndAfterKillNineTheOtherTakesOverWithinTheLease() throws Exception {
        database.start();
        WireMockServer upstreamA = upstream();
        WireMockServer upstreamB = upstream();
        list(BATCH);
        GatewayProcess a = replica("replica-a", upstreamA);
        await().atMost(Duration.ofSeconds(60)).until(() -> calls() == BATCH);

        GatewayProcess b = replica("replica-b", upstreamB);
        long pollsOfAWhenBWasUp = polls(upstreamA);
        list(BATCH);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> calls() == 2 * BATCH && polls(upstreamA) >= pollsOfAWhenBWasUp + 5);
        assertEquals(0, polls(upstreamB), "replica-b polled while replica-a held the lease");

        Instant kill = Instant.now();
        a.kill();
        Instant leaseRanOut = leaseExpiry();
        list(BATCH);
        await().atMost(LEASE.multipliedBy(4)).until(() -> polls(upstreamB) > 0);
        Duration takeover = Duration.between(kill, Instant.now());
        Duration afterExpiry = Duration.between(leaseRanOut, kill.plus(takeover));
        await().atMost(Duration.ofSeconds(60)).until(() -> calls() == 3 * BATCH);
        long pollsOfAAfterKill = polls(upstreamA);

        List<UUID> ids =
                listed.findValuesAsText("id").stream().map(UUID::fromString).toList();
        List<String> problems = new EventLogAudit(database).problems(List.of(), ids);
        System.out.printf(
                "TwoReplicasIT: takeover %d ms after kill -9, %d ms after the lease ran out (lease %s, interval %s);"
                        + " %d calls, %d events; polls by a %d, by b %d; problems %s%n",
                takeover.toMillis(),
                afterExpiry.toMillis(),
                LEASE,
                INTERVAL,
                ids.size(),
                new EventLogAudit(database).events(),
                pollsOfAAfterKill,
                polls(upstreamB),
                problems);
        assertEquals(List.of(), problems);
        assertTrue(
                // the rest of the lease, one poll interval, and room for a machine under load
                takeover.compareTo(LEASE.plus(INTERVAL).plusSeconds(5)) <= 0,
                "replica-b took over " + takeover.toMillis() + " ms after the kill; lease " + LEASE + "; "
                        + b.logTail());
        assertEquals("replica-b", owner());
    }

    private WireMockServer upstream() {
        WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort());
        server.start();
        server.stubFor(get(urlPathEqualTo("/v1/webhook_deliveries")).willReturn(okJson("{\"data\": []}")));
        server.stubFor(get(urlPathEqualTo("/v1/calls")).willReturn(okJson("[]")));
        upstreams.add(server);
        return server;
    }

    private GatewayProcess replica(String name, WireMockServer upstream) {
        GatewayProcess replica = new GatewayProcess(
                        "two-replicas-it-" + name,
                        database.jdbcUrl(),
                        Map.of(
                                "callingbox.base-url",
                                "http://127.0.0.1:" + upstream.port(),
                                "callingbox.poll-interval",
                                INTERVAL.toMillis() + "ms",
                                "callingbox.lease-duration",
                                LEASE.toMillis() + "ms",
                                "callingbox.replica-id",
                                name,
                                "gateway.cursor-key",
                                cursorKey,
                                "gateway.secrets-key",
                                secretsKey))
                .start();
        replicas.add(replica);
        return replica;
    }

    /** Adds {@code count} settled calls, created now, at the head of both fakes' GET /v1/calls. */
    private void list(int count) throws Exception {
        for (int i = 0; i < count; i++) {
            Instant now = Instant.now();
            ObjectNode call = (ObjectNode) JSON.readTree(SignedWebhook.envelope(
                            UUID.randomUUID(), "call.completed", UUID.randomUUID(), "completed", now))
                    .path("data")
                    .path("call");
            call.put("created_at", now.toString());
            listed.insert(0, call);
        }
        String body = JSON.writeValueAsString(listed);
        for (WireMockServer upstream : upstreams) {
            upstream.stubFor(get(urlPathEqualTo("/v1/calls")).willReturn(okJson(body)));
        }
    }

    private static long polls(WireMockServer upstream) {
        return upstream.countRequestsMatching(
                        getRequestedFor(urlPathEqualTo("/v1/calls")).build())
                .getCount();
    }

    private long calls() throws Exception {
        return database.count("select count(*) from call");
    }

    private Instant leaseExpiry() throws Exception {
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement();
                ResultSet row =
                        statement.executeQuery("select expires_at from poller_lease where name = 'callingbox'")) {
            row.next();
            return row.getTimestamp(1).toInstant();
        }
    }

    private String owner() throws Exception {
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select owner from poller_lease where name = 'callingbox'")) {
            row.next();
            return row.getString(1);
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
