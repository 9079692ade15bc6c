package io.callingboxgateway.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;

/** A subscriber on loopback: records every push it gets and answers as the test tells it. */
public final class Receiver implements AutoCloseable {

    public record Answer(int status, Map<String, String> headers) {
        public static Answer status(int status) {
            return new Answer(status, Map.of());
        }
    }

    public record Push(
            Instant at,
            String webhookId,
            String webhookTimestamp,
            String webhookSignature,
            String contentType,
            String host,
            byte[] body,
            JsonNode event,
            int answered,
            String webhookReplay) {

        public long eventId() {
            return event.get("id").asLong();
        }

        /** The call's id: {@code call_id} of the gateway's format, {@code subject} of a CloudEvent. */
        public String callId() {
            return event.has("call_id")
                    ? event.get("call_id").asText()
                    : event.get("subject").asText();
        }

        public String type() {
            return event.get("type").asText();
        }

        /** Whether the push says it is a replay ({@code webhook-replay: true}). */
        public boolean replay() {
            return "true".equals(webhookReplay);
        }

        public boolean acknowledged() {
            return answered >= 200 && answered < 300;
        }

        /**
         * Standard Webhooks verification written independently of the gateway: the key is the base64
         * after {@code whsec_}; the signed content is {@code id.timestamp.body}; the header lists
         * space-separated {@code v1,<base64>} signatures, any of which may match.
         */
        public boolean verifies(String secret) {
            byte[] expected = hmac(secret, webhookId + "." + webhookTimestamp + "." + new String(body, UTF_8));
            for (String signature : webhookSignature.split(" ")) {
                if (signature.startsWith("v1,")
                        && MessageDigest.isEqual(expected, Base64.getDecoder().decode(signature.substring(3)))) {
                    return true;
                }
            }
            return false;
        }

        /** Whether the first signature of the header verifies with this secret. */
        public boolean firstSignatureVerifies(String secret) {
            String first = webhookSignature.split(" ")[0];
            return new Push(
                            at,
                            webhookId,
                            webhookTimestamp,
                            first,
                            contentType,
                            host,
                            body,
                            event,
                            answered,
                            webhookReplay)
                    .verifies(secret);
        }

        private static byte[] hmac(String secret, String signed) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(
                        Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
                return mac.doFinal(signed.getBytes(UTF_8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Push> pushes = new CopyOnWriteArrayList<>();
    private volatile Function<JsonNode, Answer> answers = event -> Answer.status(200);

    private Receiver(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hook", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    public static Receiver start() {
        return new Receiver(0);
    }

    public static Receiver startOn(int port) {
        return new Receiver(port);
    }

    /** A loopback port nothing listens on (until a receiver is started on it). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String urlFor(int port) {
        return "http://127.0.0.1:" + port + "/hook";
    }

    public String url() {
        return urlFor(port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** How to answer each push, judged by the event it carries. */
    public void answer(Function<JsonNode, Answer> answers) {
        this.answers = answers;
    }

    public List<Push> pushes() {
        return List.copyOf(pushes);
    }

    public List<Push> acknowledged() {
        return pushes.stream().filter(Push::acknowledged).toList();
    }

    /** Pushes about these calls, in arrival order. */
    public List<Push> pushesAbout(Collection<UUID> calls) {
        Set<String> ids = calls.stream().map(UUID::toString).collect(Collectors.toSet());
        return pushes.stream().filter(p -> ids.contains(p.callId())).toList();
    }

    /** Pushes about these calls the receiver answered with a 2xx, in arrival order. */
    public List<Push> acknowledgedAbout(Collection<UUID> calls) {
        return pushesAbout(calls).stream().filter(Push::acknowledged).toList();
    }

    /** Waits for the one acknowledged push about {@code call}. */
    public Push awaitOnlyPushAbout(UUID call, Duration patience) {
        return Awaitility.await()
                .atMost(patience)
                .until(() -> acknowledgedAbout(List.of(call)), pushes -> pushes.size() == 1)
                .get(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Instant at = Instant.now();
        byte[] body = exchange.getRequestBody().readAllBytes();
        JsonNode event = JSON.readTree(body);
        Answer answer = answers.apply(event);
        var headers = exchange.getRequestHeaders();
        pushes.add(new Push(
                at,
                headers.getFirst("webhook-id"),
                headers.getFirst("webhook-timestamp"),
                headers.getFirst("webhook-signature"),
                headers.getFirst("Content-Type"),
                headers.getFirst("Host"),
                body,
                event,
                answer.status(),
                headers.getFirst("webhook-replay")));
        answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.sendResponseHeaders(answer.status(), -1);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
