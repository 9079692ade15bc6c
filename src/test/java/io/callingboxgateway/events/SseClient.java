package io.callingboxgateway.events;

import io.callingboxgateway.testing.TestCredentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Server-Sent Events consumer that records what arrives: events (id, name, data) and comment lines.
 * A daemon thread reads the stream; tests wait on the recorded lists with Awaitility.
 */
final class SseClient implements AutoCloseable {

    record Message(String id, String event, String data) {}

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    final int status;
    final String contentType;
    final String retryAfter;
    /** The body of a response that is not a stream (a problem), else null. */
    final String errorBody;

    final List<Message> messages = new CopyOnWriteArrayList<>();
    final List<String> comments = new CopyOnWriteArrayList<>();
    private volatile boolean ended;
    private final InputStream body;

    private SseClient(HttpResponse<InputStream> response) throws IOException {
        this.status = response.statusCode();
        this.contentType = response.headers().firstValue("content-type").orElse("");
        this.retryAfter = response.headers().firstValue("retry-after").orElse(null);
        if (status != 200) {
            try (InputStream in = response.body()) {
                this.errorBody = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            this.body = null;
            this.ended = true;
            return;
        }
        this.errorBody = null;
        this.body = response.body();
        Thread reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static SseClient open(URI uri, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(10));
        if (headers.keySet().stream().noneMatch("Authorization"::equalsIgnoreCase)) {
            request.header("Authorization", TestCredentials.AUTHORIZATION);
        }
        headers.forEach(request::header);
        try {
            return new SseClient(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static SseClient open(URI uri) {
        return open(uri, Map.of());
    }

    List<Long> ids() {
        return messages.stream()
                .filter(m -> m.event() == null)
                .map(m -> Long.parseLong(m.id()))
                .toList();
    }

    /** The server closed the stream. */
    boolean ended() {
        return ended;
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String event = null;
            StringBuilder data = null;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        messages.add(new Message(id, event, data.toString()));
                    }
                    id = null;
                    event = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.add(value(line, 0));
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : value(line, colon);
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> event = value;
                        case "data" ->
                            data = data == null
                                    ? new StringBuilder(value)
                                    : data.append('\n').append(value);
                        default -> {}
                    }
                }
            }
        } catch (IOException e) {
            // closed by the test: the end of this stream
        } finally {
            ended = true;
        }
    }

    private static String value(String line, int colon) {
        String value = line.substring(colon + 1);
        return value.startsWith(" ") ? value.substring(1) : value;
    }

    /** Disconnects, as a client that goes away does. */
    @Override
    public void close() throws IOException {
        if (body != null) {
            body.close();
        }
    }
}
