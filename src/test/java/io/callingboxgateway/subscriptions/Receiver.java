package io.callingboxgateway.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/** A subscriber on loopback: records every push it gets and answers as the test tells it. */
final class Receiver implements AutoCloseable {

    record Answer(int status, Map<String, String> headers) {
        static Answer status(int status) {
            return new Answer(status, Map.of());
        }
    }

    record Push(
            Instant at,
            String webhookId,
            String webhookTimestamp,
            String webhookSignature,
            String contentType,
            String host,
            byte[] body,
            JsonNode event,
            int answered) {

        long eventId() {
            return event.get("id").asLong();
        }

        String callId() {
            return event.get("call_id").asText();
        }

        String type() {
            return event.get("type").asText();
        }

        boolean acknowledged() {
            return answered >= 200 && answered < 300;
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

    static Receiver start() {
        return new Receiver(0);
    }

    static Receiver startOn(int port) {
        return new Receiver(port);
    }

    /** A loopback port nothing listens on (until a receiver is started on it). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String urlFor(int port) {
        return "http://127.0.0.1:" + port + "/hook";
    }

    String url() {
        return urlFor(port());
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** How to answer each push, judged by the event it carries. */
    void answer(Function<JsonNode, Answer> answers) {
        this.answers = answers;
    }

    List<Push> pushes() {
        return List.copyOf(pushes);
    }

    List<Push> acknowledged() {
        return pushes.stream().filter(Push::acknowledged).toList();
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
                answer.status()));
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
