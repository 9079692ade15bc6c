package io.callingboxgateway.subscriptions.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.subscriptions.SubscriptionApi;
import io.callingboxgateway.subscriptions.SubscriptionApi.Subscribed;
import io.callingboxgateway.subscriptions.TestCalls;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.Receiver;
import io.callingboxgateway.testing.Receiver.Push;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where a push goes, and for how long, through the real delivery path: a subscription, an event
 * written by the reconciler, the running workers. DNS is scripted ({@link ScriptedDns}); the test
 * profile lists 127.0.0.1 in GATEWAY_SUBSCRIPTION_ALLOWED_HOSTS, not 127.0.0.2; the attempt timeout is 2 s.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class PushDestinationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String HOST = "hooks.rebind.test";

    @Inject
    Reconciler reconciler;

    @Inject
    TestDatabase db;

    @Inject
    ScriptedDns dns;

    private Receiver receiver;

    @BeforeEach
    @AfterEach
    void noSubscriptions() {
        db.update("delete from subscription");
        dns.forgetAll();
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void aPushConnectsToTheAddressThePolicyCheckedNotToASecondLookup() {
        receiver = Receiver.start();
        dns.answer(HOST, "127.0.0.1");
        String url = "http://" + HOST + ":" + receiver.port() + "/hook";
        Subscribed subscription = SubscriptionApi.subscribe(url, List.of("*"));
        // The check before the push answers the receiver's address; any later lookup, a place where
        // nothing listens and that the policy would refuse.
        dns.answer(HOST, "127.0.0.1", "127.0.0.2");

        UUID call = TestCalls.create(reconciler);

        Push push = await().atMost(PATIENCE)
                .until(() -> receiver.acknowledgedAbout(List.of(call)), p -> p.size() == 1)
                .get(0);
        assertEquals(HOST + ":" + receiver.port(), push.host(), "the URL's host goes out as Host");

        // The name now answers 127.0.0.2: the next push is judged by that answer, and refused.
        UUID next = TestCalls.create(reconciler);
        await().atMost(PATIENCE)
                .until(() -> "refused by URL policy: host not in GATEWAY_SUBSCRIPTION_ALLOWED_HOSTS"
                        .equals(SubscriptionApi.state(subscription).getString("last_error")));
        assertTrue(receiver.pushesAbout(List.of(next)).isEmpty());
    }

    @Test
    void aSubscriberTricklingItsAnswerIsCutOffAtTheAttemptTimeout() throws Exception {
        try (Trickler trickler = new Trickler()) {
            Subscribed subscription = SubscriptionApi.subscribe(trickler.url(), List.of("*"));

            TestCalls.create(reconciler);

            await().atMost(PATIENCE)
                    .until(() ->
                            "timeout".equals(SubscriptionApi.state(subscription).getString("last_error")));
            Duration held = await().atMost(PATIENCE).until(trickler::firstConnectionHeld, d -> d != null);
            assertTrue(
                    held.compareTo(Duration.ofMillis(3_500)) < 0,
                    "the 2 s attempt timeout covers the body too, yet the connection was held " + held);
        }
    }

    @Test
    void anEndlessAnswerIsReadNoFurtherThanTheCapAndItsConnectionClosed() throws Exception {
        try (Flooder flooder = new Flooder()) {
            Subscribed subscription = SubscriptionApi.subscribe(flooder.url(), List.of("*"));

            TestCalls.create(reconciler);

            var delivered = await().atMost(PATIENCE)
                    .until(() -> SubscriptionApi.state(subscription), s -> s.getInt("lag") == 0);
            assertEquals(200, delivered.getInt("last_response_status"), "the status counts; the body is dropped");
            long written = await().atMost(PATIENCE).until(flooder::writtenWhenClosed, n -> n != null);
            assertTrue(written < 16L * 1024 * 1024, "the gateway hung up after " + written + " bytes");
        }
    }

    /** Answers 200 with a 1 GiB body sent as fast as the connection takes it; notes when the gateway hangs up. */
    private static final class Flooder implements AutoCloseable {
        private final ServerSocket server;
        private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(2);
        private final AtomicReference<Long> writtenWhenClosed = new AtomicReference<>();

        Flooder() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
            threads.execute(this::serve);
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/hook";
        }

        Long writtenWhenClosed() {
            return writtenWhenClosed.get();
        }

        private void serve() {
            try (Socket socket = server.accept()) {
                Trickler.skipRequest(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[8192];
                long written = 0;
                try {
                    while (written < 1L << 30) {
                        out.write(chunk);
                        written += chunk.length;
                    }
                } catch (IOException e) {
                    writtenWhenClosed.set(written);
                }
            } catch (IOException e) {
                // the gateway hung up before the answer began
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            threads.shutdownNow();
        }
    }

    /** Answers 200 and a 1,000-byte body, one byte a second, and notes when the gateway hangs up. */
    private static final class Trickler implements AutoCloseable {
        private final ServerSocket server;
        private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(4);
        private final AtomicReference<Instant> accepted = new AtomicReference<>();
        private final AtomicReference<Duration> held = new AtomicReference<>();

        Trickler() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
            threads.execute(this::serve);
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/hook";
        }

        Duration firstConnectionHeld() {
            return held.get();
        }

        private void serve() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Instant at = Instant.now();
                    boolean first = accepted.compareAndSet(null, at);
                    threads.execute(() -> answer(socket, first ? at : null));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void answer(Socket socket, Instant firstAcceptedAt) {
            try {
                InputStream in = socket.getInputStream();
                skipRequest(in);
                OutputStream out = socket.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                var trickle = threads.scheduleAtFixedRate(
                        () -> {
                            try {
                                out.write('x');
                                out.flush();
                            } catch (IOException e) {
                                // the gateway hung up; the reader below notes when
                            }
                        },
                        0,
                        1,
                        TimeUnit.SECONDS);
                try {
                    in.read(); // returns, or throws, once the gateway closes the connection
                } catch (IOException e) {
                    // reset by the gateway
                }
                trickle.cancel(false);
                if (firstAcceptedAt != null) {
                    held.set(Duration.between(firstAcceptedAt, Instant.now()));
                }
                socket.close();
            } catch (IOException e) {
                // the gateway hung up early
            }
        }

        /** Reads the request head and its Content-Length body. */
        private static void skipRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("request ended early");
                }
                head.write(b);
            }
            int length = 0;
            for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            in.readNBytes(length);
        }

        @Override
        public void close() throws IOException {
            server.close();
            threads.shutdownNow();
        }
    }
}
