package io.callingboxgateway.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hostile requests against a running gateway: signed webhook envelopes with one field mutated, raw
 * garbage, broken signatures, unauthenticated writes, and hostile query strings and ids on every read
 * path. Request {@code i} is generated from {@code new Random(seed + i)}, so any one of them can be
 * reproduced by its number. Only the JDK, so that bench/fuzz.sh compiles it (with {@link FuzzWebhooks})
 * by javac alone and runs {@code RequestFuzzer <base-url> <webhook-secret> <admin-key> <count> [seed]
 * [unsigned]}; the build runs the same generator in {@code FuzzIT}.
 */
public final class RequestFuzzer {

    /** Counts per outcome (a status code, "dropped" or "timeout") and the first few 5xx other than 503. */
    public record Report(Map<String, Long> byOutcome, List<String> serverErrors) {
        public long total() {
            return byOutcome.values().stream().mapToLong(Long::longValue).sum();
        }

        public long serverErrorCount() {
            return byOutcome.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("5") && !e.getKey().equals("503"))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
        }
    }

    private static final List<String> READ_PATHS = List.of(
            "/calls",
            "/calls/{id}",
            "/calls/{id}/events",
            "/events",
            "/events/stream",
            "/subscriptions",
            "/subscriptions/{id}",
            "/api-keys");
    private static final List<String> WRITE_PATHS = List.of(
            "/subscriptions",
            "/subscriptions/{id}",
            "/subscriptions/{id}/rotate-secret",
            "/api-keys",
            "/api-keys/{id}",
            "/calls/{id}/refresh",
            "/events",
            "/calls");
    private static final List<String> PARAMS = List.of(
            "limit",
            "after",
            "cursor",
            "next_cursor",
            "created_after",
            "created_before",
            "updated_after",
            "updated_before",
            "status",
            "agent_id",
            "to_number",
            "from_number",
            "result_status",
            "webhook_status",
            "direction",
            "type",
            "types",
            "call_id",
            "since",
            "order",
            "x");
    private static final List<String> HOSTILE = List.of(
            "",
            "-1",
            "0",
            "1",
            "2147483648",
            "-9223372036854775809",
            "99999999999999999999999",
            "1e3",
            "NaN",
            "+300000-01-01T00:00:00Z",
            "-300000-01-01T00:00:00Z",
            "294277-01-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
            "2026-12-01",
            "1733000000",
            "queued,,",
            "' or 1=1 --",
            "../../etc/passwd",
            "\u0000",
            "é✓💥",
            "\uD800",
            "null",
            "[]",
            "{}",
            "00000000-0000-0000-0000-000000000000",
            "not-a-uuid",
            "eyJpZCI6MX0",
            "AAAA.BBBB",
            "~~~~",
            "a".repeat(5000));
    private final String base;
    private final String secret;
    private final String adminKey;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final FuzzWebhooks webhooks;

    public RequestFuzzer(String base, String secret, String adminKey) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.secret = secret;
        this.adminKey = adminKey;
        this.webhooks = new FuzzWebhooks(this.base, secret);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println(
                    "usage: RequestFuzzer <base-url> <webhook-secret> <admin-key> <count> [seed] [unsigned]");
            System.exit(2);
        }
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 1;
        boolean unsignedOnly = args.length > 5 && args[5].equals("unsigned");
        Report report =
                new RequestFuzzer(args[0], args[1], args[2]).run(Integer.parseInt(args[3]), 4, seed, unsignedOnly);
        System.out.println("requests " + report.total() + " by outcome " + report.byOutcome());
        System.out.println("5xx other than 503: " + report.serverErrorCount());
        report.serverErrors().forEach(line -> System.out.println("  " + line));
        System.exit(report.serverErrorCount() == 0 ? 0 : 1);
    }

    /** Sends requests 0 to count-1 of this seed from {@code threads} threads; {@code unsignedOnly} sends no valid signature. */
    public Report run(int count, int threads, long seed, boolean unsignedOnly) throws Exception {
        AtomicInteger next = new AtomicInteger();
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        List<String> serverErrors = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    String what = fuzz(new Random(seed + i), unsignedOnly);
                    String outcome = what.substring(0, what.indexOf(' '));
                    outcomes.computeIfAbsent(outcome, o -> new AtomicLong()).incrementAndGet();
                    if (outcome.startsWith("5") && !outcome.equals("503") && serverErrors.size() < 20) {
                        serverErrors.add("request " + i + " (seed " + seed + ") answered " + what);
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        pool.shutdown();
        Map<String, Long> byOutcome = new TreeMap<>();
        outcomes.forEach((outcome, n) -> byOutcome.put(outcome, n.get()));
        return new Report(byOutcome, List.copyOf(serverErrors));
    }

    /** Sends one generated request; answers its outcome, a space, and what kind of request it was. */
    private String fuzz(Random random, boolean unsignedOnly) {
        int kind = random.nextInt(unsignedOnly ? 5 : 6);
        try {
            return switch (kind) {
                case 0 -> hostileRead(random) + " hostile read";
                case 1 -> send(webhooks.brokenlySigned(random)) + " broken signature";
                case 2 -> send(webhooks.garbage(random, random.nextBoolean())) + " garbage webhook";
                case 3 -> unauthenticatedWrite(random) + " unauthenticated write";
                case 4 -> raw(rawRequest(random)) + " raw request";
                default -> send(webhooks.signedMutated(random)) + " signed mutated envelope";
            };
        } catch (IllegalArgumentException e) {
            return "unsendable " + e.getMessage();
        }
    }

    private String hostileRead(Random random) {
        String path = pick(random, READ_PATHS).replace("{id}", hostileId(random));
        // a stream sends its head with the first heartbeat at the latest
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path + query(random)))
                .timeout(Duration.ofSeconds(path.endsWith("/stream") ? 10 : 20));
        String key = random.nextInt(10) == 0
                ? pick(random, List.of("", "Bearer", "Bearer x", "Basic Zm9vOmJhcg=="))
                : "Bearer " + adminKey;
        if (!key.isEmpty()) {
            request.header("Authorization", key);
        }
        if (path.endsWith("/stream") && random.nextBoolean()) {
            request.header("Last-Event-ID", pick(random, HOSTILE).replaceAll("[\\x00-\\x1f\\x7f-\\x{10FFFF}]", "?"));
        }
        return send(request.GET().build());
    }

    private String unauthenticatedWrite(Random random) {
        String path = pick(random, WRITE_PATHS).replace("{id}", hostileId(random));
        String body = random.nextBoolean()
                ? "{\"url\":\"https://example.com/hook\",\"event_types\":[\"call.created\"],\"name\":\"x\",\"scopes\":[\"admin\"]}"
                : new String(FuzzWebhooks.garbage(random), UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path + query(random)))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .method(
                        pick(random, List.of("POST", "PUT", "PATCH", "DELETE")),
                        HttpRequest.BodyPublishers.ofString(body));
        String credential =
                pick(random, List.of("", "Bearer gwk_" + UUID.randomUUID(), "Bearer " + adminKey + "x", "Bearer"));
        if (!credential.isEmpty()) {
            request.header("Authorization", credential);
        }
        return send(request.build());
    }

    private String query(Random random) {
        StringBuilder query = new StringBuilder();
        for (int n = random.nextInt(4); n > 0; n--) {
            String value = pick(random, HOSTILE);
            String encoded = random.nextInt(4) == 0
                    ? pick(random, List.of("%00", "%FF%FE", "%C0%AF", "%2B1", value.isEmpty() ? "" : "%25"))
                    : URLEncoder.encode(value, UTF_8);
            query.append(query.length() == 0 ? '?' : '&')
                    .append(pick(random, PARAMS))
                    .append('=')
                    .append(encoded);
        }
        return query.toString();
    }

    private static String hostileId(Random random) {
        return random.nextInt(3) == 0 ? UUID.randomUUID().toString() : URLEncoder.encode(pick(random, HOSTILE), UTF_8);
    }

    private String rawRequest(Random random) {
        String target = pick(
                random,
                List.of(
                        "/calls?limit=%",
                        "/calls?created_after=%zz",
                        "/events?after=%G0",
                        "/calls/%",
                        "/" + "x".repeat(20_000),
                        "/calls?" + "a=b&".repeat(2000),
                        "/events/stream?after=%FF"));
        return switch (random.nextInt(6)) {
            case 0 -> new String(FuzzWebhooks.garbage(random), UTF_8) + "\r\n\r\n";
            case 1 ->
                "GET " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + adminKey
                        + "\r\nConnection: close\r\n\r\n";
            case 2 ->
                "POST /webhooks/callingbox HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n{}";
            case 3 ->
                "POST /webhooks/callingbox HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n";
            case 4 ->
                "GET /calls HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(70_000) + "\r\nConnection: close\r\n\r\n";
            default -> "GET /calls HTTP/9.9\r\nbroken header line\r\n\r\n";
        };
    }

    private String send(HttpRequest request) {
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (!request.uri().getPath().endsWith("/stream") || response.statusCode() != 200) {
                    body.readNBytes(1 << 16); // an endless stream is left after its head
                }
            }
            return Integer.toString(response.statusCode());
        } catch (HttpTimeoutException e) {
            return "timeout";
        } catch (IOException e) {
            return "dropped";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "dropped";
        }
    }

    /** A request written byte for byte, for what an HTTP client library refuses to send. */
    private String raw(String request) {
        URI uri = URI.create(base);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(UTF_8));
            out.flush();
            socket.shutdownOutput(); // nothing more is coming: no server may wait for the rest
            byte[] head = socket.getInputStream().readNBytes(12);
            String status = new String(head, UTF_8);
            return status.startsWith("HTTP/1.") && status.length() == 12 ? status.substring(9, 12) : "dropped";
        } catch (java.net.SocketTimeoutException e) {
            return "timeout";
        } catch (IOException e) {
            return "dropped";
        }
    }

    private static <T> T pick(Random random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }
}
