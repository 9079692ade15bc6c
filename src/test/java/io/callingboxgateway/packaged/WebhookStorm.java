package io.callingboxgateway.packaged;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.callingboxgateway.testing.SignedWebhook;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/**
 * Signed webhooks sent the way CallingBox sends them, over a fresh connection each, read by hand to
 * tell where a failure happened. In a storm each sender creates call after call (a {@code call.queued}
 * then a {@code call.in_progress} webhook) and, like CallingBox, sends a webhook again with the same
 * event id until it is acknowledged with a 2xx.
 */
public final class WebhookStorm implements AutoCloseable {

    /** No answer within this long counts as a hang. */
    public static final Duration HANG = Duration.ofSeconds(20);

    /** CallingBox's retries are spaced; here a short pause keeps a refused sender from spinning. */
    private static final Duration RETRY_PAUSE = Duration.ofMillis(50);

    /** What one attempt came to, as a sender saw it; {@code failure} is null for a clean outcome. */
    public record Sent(UUID eventId, UUID callId, Instant at, int status, String failure) {
        public boolean acknowledged() {
            return status >= 200 && status < 300;
        }

        public boolean clean() {
            return failure == null;
        }

        String outcome() {
            return status == 0 ? (failure == null ? "dropped" : "broken") : Integer.toString(status);
        }
    }

    private final String secret;
    private final IntSupplier port;
    private final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
    private final List<Future<?>> senders = new ArrayList<>();
    private ExecutorService pool;
    private volatile boolean stopping;
    private volatile Instant giveUpAt = Instant.MAX;

    /** @param port where the gateway listens now (asked before every attempt) */
    public WebhookStorm(String secret, IntSupplier port) {
        this.secret = secret;
        this.port = port;
    }

    public WebhookStorm start(int threads) {
        pool = Executors.newFixedThreadPool(threads);
        for (int i = 0; i < threads; i++) {
            senders.add(pool.submit(this::createCalls));
        }
        return this;
    }

    private void createCalls() {
        while (!stopping) {
            UUID callId = UUID.randomUUID();
            deliver(UUID.randomUUID(), "call.queued", callId, "queued");
            deliver(UUID.randomUUID(), "call.in_progress", callId, "in_progress");
        }
    }

    /** Sends one webhook until it is acknowledged, or until {@link #stop} gives up on it. */
    private void deliver(UUID eventId, String type, UUID callId, String status) {
        Instant updatedAt = Instant.now();
        byte[] body =
                SignedWebhook.envelope(eventId, type, callId, status, updatedAt).getBytes(UTF_8);
        while (Instant.now().isBefore(giveUpAt)) {
            Sent attempt = send(eventId, callId, body);
            sent.add(attempt);
            if (attempt.acknowledged()) {
                return;
            }
            LockSupport.parkNanos(RETRY_PAUSE.toNanos());
        }
    }

    /**
     * Stops creating calls, lets each sender finish the call it is on (its webhooks still retried until
     * acknowledged, for at most {@code drain}), and waits for them.
     */
    public void stop(Duration drain) throws Exception {
        stopping = true;
        giveUpAt = Instant.now().plus(drain);
        for (Future<?> sender : senders) {
            sender.get(drain.plus(HANG).toSeconds() + 5, TimeUnit.SECONDS);
        }
        pool.shutdown();
    }

    public List<Sent> sent() {
        return List.copyOf(sent);
    }

    public long acknowledged() {
        return sent.stream().filter(Sent::acknowledged).count();
    }

    public long acknowledgedAfter(Instant instant) {
        return sent.stream()
                .filter(s -> s.acknowledged() && s.at().isAfter(instant))
                .count();
    }

    public long refusedAfter(Instant instant) {
        return sent.stream()
                .filter(s -> !s.acknowledged() && s.at().isAfter(instant))
                .count();
    }

    /** Attempts by outcome: status code, "dropped" (refused or reset before any byte) or "broken". */
    public static Map<String, Long> byOutcome(List<Sent> all) {
        return all.stream().collect(Collectors.groupingBy(Sent::outcome, Collectors.counting()));
    }

    public Sent send(UUID eventId, UUID callId, byte[] body) {
        Instant at = Instant.now();
        String head = "POST " + SignedWebhook.PATH + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\n"
                + "CallingBox-Signature: " + SignedWebhook.signature(secret, SignedWebhook.now(), body) + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port.getAsInt()), (int) HANG.toMillis());
            socket.setSoTimeout((int) HANG.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(UTF_8));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            in.transferTo(answer);
        } catch (ConnectException e) {
            return new Sent(eventId, callId, at, 0, null); // refused: nothing was taken
        } catch (SocketTimeoutException e) {
            return new Sent(eventId, callId, at, 0, "no answer within " + HANG);
        } catch (IOException e) {
            if (answer.size() > 0) {
                return new Sent(eventId, callId, at, 0, "cut after " + answer.size() + " bytes: " + e);
            }
            return new Sent(eventId, callId, at, 0, null); // reset before any byte of an answer
        }
        String text = answer.toString(UTF_8);
        if (text.isEmpty()) {
            return new Sent(eventId, callId, at, 0, null); // closed before any byte of an answer
        }
        if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
            return new Sent(eventId, callId, at, 0, "not an HTTP answer: " + text);
        }
        int status = Integer.parseInt(text.substring(9, 12));
        boolean clean = (status >= 200 && status < 300) || status == 503;
        return new Sent(eventId, callId, at, status, clean ? null : text);
    }

    @Override
    public void close() {
        stopping = true;
        giveUpAt = Instant.MIN;
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
