package io.callingboxgateway.packaged;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.testing.SignedWebhook;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM under webhook load, against the packaged application run as a real process with the prod
 * profile's shutdown settings (5 s delay, 10 s timeout): every webhook is answered 2xx or 503, or its
 * connection is refused or reset before any byte of an answer (CallingBox then retries); none hangs,
 * none gets another status; the process exits within the 25 s the pod's grace period leaves after the
 * preStop sleep; and every webhook acknowledged with a 2xx is in the database.
 */
class GracefulShutdownIT {

    /** terminationGracePeriodSeconds (30) minus the preStop sleep (5), as deploy/base sets them. */
    private static final Duration GRACE = Duration.ofSeconds(25);

    private static final int ACKNOWLEDGED_BEFORE_SIGTERM = 50;
    private static final Duration HANG = Duration.ofSeconds(20);
    private static final int SENDERS = 4;

    private final String secret = "whsec_it_" + UUID.randomUUID().toString().replace("-", "");
    private EmbeddedPostgres database;
    private Process gateway;

    /** What one webhook came to, as a sender saw it. */
    private record Sent(UUID eventId, Instant at, int status, String failure) {
        boolean acknowledged() {
            return status >= 200 && status < 300;
        }

        boolean clean() {
            return failure == null;
        }
    }

    @AfterEach
    void stop() throws IOException {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void sigtermUnderWebhookLoadAnswersOrRefusesEveryWebhookAndLosesNone() throws Exception {
        database = EmbeddedPostgres.builder()
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
        int port = freePort();
        int managementPort = freePort();
        gateway = start(port, managementPort);
        awaitReady(managementPort);

        ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            running.add(senders.submit(() -> {
                // Keep sending until the process is gone, plus one more that must find the port closed.
                boolean last = false;
                while (!last) {
                    last = !gateway.isAlive();
                    sent.add(send(port));
                }
            }));
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> sent.stream().filter(Sent::acknowledged).count() >= ACKNOWLEDGED_BEFORE_SIGTERM);
        Instant sigterm = Instant.now();
        gateway.destroy(); // SIGTERM on Linux and macOS
        boolean exited = gateway.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        Duration toExit = Duration.between(sigterm, Instant.now());
        for (Future<?> sender : running) {
            sender.get(HANG.toSeconds() + 5, TimeUnit.SECONDS);
        }
        senders.shutdown();

        assertTrue(exited, "the gateway still runs " + GRACE + " after SIGTERM; log: " + log());
        List<Sent> all = List.copyOf(sent);
        List<Sent> unclean = all.stream().filter(s -> !s.clean()).toList();
        assertEquals(List.of(), unclean, "answers other than 2xx, 503 or a refusal before any byte");
        List<Sent> acknowledged = all.stream().filter(Sent::acknowledged).toList();
        assertTrue(
                acknowledged.stream().anyMatch(s -> s.at().isBefore(sigterm)),
                "no webhook acknowledged before SIGTERM: " + summary(all));
        assertTrue(
                acknowledged.stream().anyMatch(s -> s.at().isAfter(sigterm)),
                "no webhook acknowledged during the shutdown delay: " + summary(all));
        Set<UUID> stored = storedReceipts();
        List<UUID> lost = acknowledged.stream()
                .map(Sent::eventId)
                .filter(id -> !stored.contains(id))
                .toList();
        assertEquals(List.of(), lost, "acknowledged webhooks missing from webhook_receipt");
        System.out.printf("GracefulShutdownIT: %s, exited %s ms after SIGTERM%n", summary(all), toExit.toMillis());
    }

    /** One signed webhook over a fresh connection, read by hand to tell where a failure happened. */
    private Sent send(int port) {
        UUID eventId = UUID.randomUUID();
        Instant at = Instant.now();
        byte[] body = SignedWebhook.envelope(eventId, "call.queued", UUID.randomUUID(), "queued", Instant.now())
                .getBytes(UTF_8);
        String head = "POST " + SignedWebhook.PATH + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Content-Type: application/json\r\n"
                + "CallingBox-Signature: " + SignedWebhook.signature(secret, SignedWebhook.now(), body) + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) HANG.toMillis());
            socket.setSoTimeout((int) HANG.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(UTF_8));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            in.transferTo(answer);
        } catch (ConnectException e) {
            return new Sent(eventId, at, 0, null); // refused: nothing was taken
        } catch (SocketTimeoutException e) {
            return new Sent(eventId, at, 0, "no answer within " + HANG);
        } catch (IOException e) {
            if (answer.size() > 0) {
                return new Sent(eventId, at, 0, "cut after " + answer.size() + " bytes: " + e);
            }
            return new Sent(eventId, at, 0, null); // reset before any byte of an answer
        }
        String text = answer.toString(UTF_8);
        if (text.isEmpty()) {
            return new Sent(eventId, at, 0, null); // closed before any byte of an answer
        }
        if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
            return new Sent(eventId, at, 0, "not an HTTP answer: " + text);
        }
        int status = Integer.parseInt(text.substring(9, 12));
        boolean clean = (status >= 200 && status < 300) || status == 503;
        return new Sent(eventId, at, status, clean ? null : text);
    }

    private Process start(int port, int managementPort) throws IOException {
        Map<String, String> config = new HashMap<>(new PackagedAppConfig().start());
        config.put("quarkus.http.port", Integer.toString(port));
        config.put("quarkus.management.port", Integer.toString(managementPort));
        config.put("callingbox.webhook.secrets", secret);
        config.put("quarkus.datasource.jdbc.url", database.getJdbcUrl("postgres", "postgres"));
        config.put("quarkus.datasource.username", "postgres");
        config.put("quarkus.datasource.password", "postgres");
        config.put("quarkus.log.file.enabled", "false");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        config.forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.add("-jar");
        command.add(Path.of("target", "quarkus-app", "quarkus-run.jar").toString());
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logFile().toFile())
                .start();
    }

    private void awaitReady(int managementPort) {
        HttpClient http = HttpClient.newHttpClient();
        URI ready = URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready");
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .failFast("the gateway process ended before it was ready", () -> !gateway.isAlive())
                .until(() -> http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200);
    }

    private Set<UUID> storedReceipts() throws Exception {
        try (Connection connection = database.getPostgresDatabase().getConnection();
                PreparedStatement query = connection.prepareStatement("select event_id from webhook_receipt");
                ResultSet rows = query.executeQuery()) {
            Set<UUID> ids = new java.util.HashSet<>();
            while (rows.next()) {
                ids.add(rows.getObject(1, UUID.class));
            }
            return ids;
        }
    }

    private static String summary(List<Sent> all) {
        Map<String, Long> byOutcome = all.stream()
                .collect(Collectors.groupingBy(
                        s -> s.status() == 0 ? (s.failure() == null ? "refused" : "broken") : "" + s.status(),
                        Collectors.counting()));
        return all.size() + " webhooks " + byOutcome;
    }

    private static Path logFile() {
        return Path.of("target", "graceful-shutdown-it.log");
    }

    private static String log() {
        try {
            List<String> lines = Files.readAllLines(logFile());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
