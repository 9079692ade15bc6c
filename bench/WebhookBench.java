import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Load for a running gateway, over loopback only, bounded in count and time.
 *
 * <pre>
 * java bench/WebhookBench.java throughput BASE_URL SECRET SECONDS CLIENTS
 * java bench/WebhookBench.java rate BASE_URL SECRET SECONDS RATE_PER_SECOND [CONNECTIONS]
 * java bench/WebhookBench.java sse-latency BASE_URL SECRET SECONDS RATE_PER_SECOND
 * java bench/WebhookBench.java consumers BASE_URL SECRET SECONDS RATE_PER_SECOND
 * java bench/WebhookBench.java count BASE_URL SECRET WEBHOOKS CLIENTS
 * </pre>
 *
 * throughput: CLIENTS threads send signed webhooks back to back (each a new call, then a status
 * change of it), prints requests/s and latency percentiles. rate: webhooks at a constant rate over
 * CONNECTIONS (16) keep-alive connections, latency measured from each request's intended send time,
 * so a stall delays the requests behind it and shows in the percentiles instead of slowing the
 * client down (no coordinated omission). sse-latency: follows /events/stream and sends webhooks at a
 * fixed rate; prints the time from "webhook answered 2xx" to "its event arrived on the stream", p50
 * and p99. consumers: the same, and also through a push subscription to a receiver on a loopback
 * port (the gateway must allow 127.0.0.1 in GATEWAY_SUBSCRIPTION_ALLOWED_HOSTS). BENCH_API_KEY, when
 * set, is sent as the bearer credential to /events and /subscriptions.
 */
public class WebhookBench {

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String base = args[1];
        String secret = args[2];
        int seconds = Integer.parseInt(args[3]);
        int n = Integer.parseInt(args[4]);
        WebhookBench bench = new WebhookBench(base, secret);
        switch (mode) {
            case "throughput" -> bench.throughput(seconds, n);
            case "rate" -> bench.rate(seconds, n, args.length > 5 ? Integer.parseInt(args[5]) : 16);
            case "sse-latency" -> bench.sseLatency(seconds, n, false);
            case "consumers" -> bench.sseLatency(seconds, n, true);
            case "count" -> bench.count(seconds, n); // here args[3] is the number of webhooks
            default -> throw new IllegalArgumentException(mode);
        }
    }

    private final String base;
    private final byte[] key;
    private final String apiKey = System.getenv().getOrDefault("BENCH_API_KEY", "");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    WebhookBench(String base, String secret) {
        this.base = base;
        this.key = secret.getBytes(StandardCharsets.UTF_8);
        this.connection = ThreadLocal.withInitial(() -> new Connection(URI.create(base)));
    }

    void throughput(int seconds, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong failures = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int c = 0; c < clients; c++) {
            pool.submit(() -> {
                while (System.nanoTime() < end) {
                    UUID call = UUID.randomUUID();
                    for (String status : List.of("ringing", "in_progress")) {
                        long start = System.nanoTime();
                        int code = send(call, status);
                        latencies.add(System.nanoTime() - start);
                        if (code / 100 != 2) failures.incrementAndGet();
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 60L, TimeUnit.SECONDS);
        // the last pairs finish after the window: divide by the time they took, not by the window
        double elapsed = (System.nanoTime() - (end - TimeUnit.SECONDS.toNanos(seconds))) / 1e9;
        System.out.printf(
                "webhooks: %d in %.1f s = %.1f/s, failures %d, p50 %.2f ms, p99 %.2f ms%n",
                latencies.size(), elapsed, latencies.size() / elapsed, failures.get(),
                percentile(latencies, 50), percentile(latencies, 99));
    }

    /** Sends exactly total webhooks (total/2 calls, each created then moved on) from clients threads. */
    void count(int total, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicLong left = new AtomicLong(total / 2);
        AtomicLong failures = new AtomicLong();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            pool.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    UUID call = UUID.randomUUID();
                    for (String status : List.of("ringing", "in_progress")) {
                        if (send(call, status) / 100 != 2) failures.incrementAndGet();
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        System.out.printf(
                "webhooks: %d in %.1f s, failures %d%n",
                total / 2 * 2, (System.nanoTime() - start) / 1e9, failures.get());
    }

    /** Constant rate; each latency runs from the request's intended send time to its answer. */
    void rate(int seconds, int rate, int connections) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(connections);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong failures = new AtomicLong();
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        AtomicLong unsent = new AtomicLong();
        long start = System.nanoTime();
        long sendDeadline = start + TimeUnit.SECONDS.toNanos(seconds + GRACE_SECONDS);
        int total = seconds * rate;
        for (int i = 0; i < total; i++) {
            long intended = start + i * interval;
            long wait = intended - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            senders.submit(() -> {
                // A request still queued at the deadline is not sent: its latency is at least the wait so far
                if (System.nanoTime() > sendDeadline) unsent.incrementAndGet();
                else if (send(UUID.randomUUID(), "queued") / 100 != 2) failures.incrementAndGet();
                latencies.add(System.nanoTime() - intended);
                return null;
            });
        }
        senders.shutdown();
        senders.awaitTermination(seconds + GRACE_SECONDS + 60L, TimeUnit.SECONDS);
        double achieved = (latencies.size() - unsent.get()) / ((System.nanoTime() - start) / 1e9);
        System.out.printf(
                "rate: %d webhooks at %d/s intended (%.1f/s achieved) over %d connections, failures %d,"
                        + " from intended send: p50 %.2f ms, p99 %.2f ms, max %.2f ms, unsent %d%s%n",
                latencies.size(), rate, achieved, connections, failures.get(), percentile(latencies, 50),
                percentile(latencies, 99), percentile(latencies, 100), unsent.get(),
                unsent.get() == 0 ? "" : " (still queued " + GRACE_SECONDS + " s after the last was due: lower bounds)");
    }

    /** How long after the last intended send a queued request may still go out. */
    private static final int GRACE_SECONDS = 10;

    void sseLatency(int seconds, int rate, boolean push) throws Exception {
        String head = headCursor();
        Map<String, Long> answeredAt = new ConcurrentHashMap<>();
        Map<String, Long> seenAt = new ConcurrentHashMap<>();
        Map<String, Long> pushedAt = new ConcurrentHashMap<>();
        AtomicBoolean streaming = new AtomicBoolean(true);
        Pattern callId = Pattern.compile("\"call_id\":\"([0-9a-f-]{36})\"");
        HttpRequest streamRequest = authorized(
                        URI.create(base + "/events/stream?type=call.created&after=" + head))
                .build();
        Thread follower = new Thread(() -> {
            try {
                http.send(streamRequest, HttpResponse.BodyHandlers.ofLines()).body()
                        .takeWhile(line -> streaming.get())
                        .forEach(line -> {
                            if (line.startsWith("data:")) {
                                Matcher m = callId.matcher(line);
                                if (m.find()) seenAt.putIfAbsent(m.group(1), System.nanoTime());
                            }
                        });
            } catch (Exception e) {
                if (streaming.get()) e.printStackTrace();
            }
        });
        follower.setDaemon(true);
        follower.start();
        PushReceiver receiver = push ? new PushReceiver(callId, pushedAt) : null;
        Thread.sleep(500); // let the stream connect before the first webhook

        ExecutorService senders = Executors.newFixedThreadPool(16);
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        long sendDeadline = start + TimeUnit.SECONDS.toNanos(seconds + GRACE_SECONDS);
        AtomicLong unsent = new AtomicLong();
        int total = seconds * rate;
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            senders.submit(() -> {
                if (System.nanoTime() > sendDeadline) {
                    unsent.incrementAndGet(); // the gateway did not keep up; the output says how many
                    return null;
                }
                UUID call = UUID.randomUUID();
                if (send(call, "queued") / 100 == 2) answeredAt.put(call.toString(), System.nanoTime());
                return null;
            });
        }
        senders.shutdown();
        senders.awaitTermination(seconds + GRACE_SECONDS + 60L, TimeUnit.SECONDS);
        if (unsent.get() > 0) {
            System.out.printf("unsent: %d of %d webhooks still queued %d s after the last was due%n",
                    unsent.get(), total, GRACE_SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((seenAt.size() < answeredAt.size() || push && pushedAt.size() < answeredAt.size())
                && System.nanoTime() < deadline) Thread.sleep(50);
        long waitEnd = System.nanoTime();
        streaming.set(false);
        if (receiver != null) receiver.close();

        report("sse", "seen on the stream", rate, answeredAt, seenAt, waitEnd);
        if (push) report("push", "pushed", rate, answeredAt, pushedAt, waitEnd);
    }

    /**
     * An event that never arrived counts as arriving when the wait gave up: its latency is a lower
     * bound, but dropping it would make a path that loses or stalls events look fast.
     */
    private static void report(
            String path, String arrived, int rate, Map<String, Long> answeredAt, Map<String, Long> arrivedAt, long waitEnd) {
        List<Long> latencies = new ArrayList<>();
        answeredAt.forEach((id, answered) ->
                latencies.add(Math.max(0, arrivedAt.getOrDefault(id, waitEnd) - answered)));
        long missing = answeredAt.keySet().stream().filter(id -> !arrivedAt.containsKey(id)).count();
        System.out.printf(
                "%s: %d webhooks at %d/s, %d %s, answered->%s p50 %.2f ms, p99 %.2f ms, max %.2f ms, missing %d%s%n",
                path, answeredAt.size(), rate, answeredAt.size() - missing, arrived, path, percentile(latencies, 50),
                percentile(latencies, 99), percentile(latencies, 100), missing,
                missing == 0 ? "" : " (counted at the end of the 10 s wait: the percentiles are lower bounds)");
    }

    /**
     * A subscriber on a loopback port, subscribed to call.created for the length of one run: notes
     * when each call's event arrives and answers 204. The subscription is deleted on close.
     */
    final class PushReceiver implements AutoCloseable {
        private final com.sun.net.httpserver.HttpServer server;
        private final String subscription;

        PushReceiver(Pattern callId, Map<String, Long> pushedAt) throws Exception {
            server = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress("127.0.0.1", 0), 64);
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.createContext("/push", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Matcher m = callId.matcher(body);
                long now = System.nanoTime();
                while (m.find()) pushedAt.putIfAbsent(m.group(1), now);
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/push";
            HttpResponse<String> created = http.send(
                    authorized(URI.create(base + "/subscriptions"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + url
                                    + "\",\"event_types\":[\"call.created\"],\"description\":\"bench\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher id = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(created.body());
            if (created.statusCode() != 201 || !id.find()) {
                server.stop(0);
                throw new IllegalStateException("subscription refused: " + created.statusCode() + " " + created.body());
            }
            subscription = id.group(1);
        }

        @Override
        public void close() throws Exception {
            http.send(
                    authorized(URI.create(base + "/subscriptions/" + subscription)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    private HttpRequest.Builder authorized(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        return apiKey.isEmpty() ? request : request.header("Authorization", "Bearer " + apiKey);
    }

    /** Walks the feed to its end, so the stream starts at "now". */
    private String headCursor() throws Exception {
        Pattern nextCursor = Pattern.compile("\"next_cursor\":\"(\\d+)\"");
        String query = "";
        while (true) {
            String page = http.send(
                            authorized(URI.create(base + "/events?limit=500" + query)).build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Matcher next = nextCursor.matcher(page);
            if (!next.find()) throw new IllegalStateException("unexpected feed page: " + page);
            if (!page.contains("\"has_more\":true")) return next.group(1);
            query = "&after=" + next.group(1);
        }
    }

    private int send(UUID call, String status) throws Exception {
        String now = Instant.now().toString();
        String body = """
                {"id":"%s","type":"call.%s","created":%d,"api_version":"2026-04","data":{"call":{
                "id":"%s","agent_id":"9d3b7c1e-2f4a-4b5c-8d6e-7f8091a2b3c4","to_number":"+15550100%03d",
                "from_number":"+15550199000","status":"%s","direction":"outbound","result_status":"pending",
                "webhook_status":"pending","reservation_status":"reserved","language":"en",
                "metadata":{"bench":true},"context":{},"created_at":"%s","updated_at":"%s"}}}"""
                .formatted(UUID.randomUUID(), status.equals("in_progress") ? "answered" : status,
                        Instant.now().getEpochSecond(), call, Math.abs(call.hashCode() % 1000), status, now, now);
        long t = Instant.now().getEpochSecond();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String signature = HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
        return connection.get().post("/webhooks/callingbox", "t=" + t + ",v1=" + signature, body);
    }

    /**
     * One keep-alive HTTP/1.1 connection per sending thread, written and read with plain blocking
     * sockets. The JDK's HttpClient costs the load generator several times the CPU of the requests
     * themselves, and on two shared cores that CPU is taken from the gateway under test; pgbench's
     * client, the baseline, costs next to nothing.
     */
    private final ThreadLocal<Connection> connection;

    static final class Connection {
        private final URI base;
        private Socket socket;
        private OutputStream out;
        private InputStream in;

        Connection(URI base) {
            this.base = base;
        }

        int post(String path, String signature, String body) throws IOException {
            if (socket == null) {
                socket = new Socket(base.getHost(), base.getPort());
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(30_000);
                out = new BufferedOutputStream(socket.getOutputStream(), 4096);
                in = new BufferedInputStream(socket.getInputStream(), 4096);
            }
            byte[] payload = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nContent-Type: application/json\r\nCallingBox-Signature: " + signature
                    + "\r\nContent-Length: " + payload.length + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(payload);
            out.flush();
            return readResponse();
        }

        private int readResponse() throws IOException {
            String statusLine = readLine();
            int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
            int length = 0;
            boolean close = false;
            for (String line = readLine(); !line.isEmpty(); line = readLine()) {
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) length = Integer.parseInt(lower.substring(15).strip());
                if (lower.startsWith("connection:") && lower.contains("close")) close = true;
                if (lower.startsWith("transfer-encoding:")) throw new IOException("chunked answers are not expected");
            }
            in.readNBytes(length);
            if (close) {
                socket.close();
                socket = null;
            }
            return status;
        }

        private String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) throw new IOException("connection closed mid-answer");
                if (b != '\r') line.append((char) b);
            }
            return line.toString();
        }
    }

    private static double percentile(List<Long> nanos, int p) {
        if (nanos.isEmpty()) return Double.NaN;
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1))) / 1_000_000.0;
    }
}
