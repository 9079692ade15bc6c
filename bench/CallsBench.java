import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GET /calls at several depths of one view, for bench/run, over loopback only.
 *
 * <pre>
 * java bench/CallsBench.java BASE_URL LIMIT DEPTHS REQUESTS ROUNDS [QUERY]
 * java bench/CallsBench.java http://127.0.0.1:8080 50 1,100,10000 100 3 status=completed
 * </pre>
 *
 * Walks the view (QUERY: filters as a query string, empty for all calls) with the largest page
 * (200) to the first row of page DEPTH of size LIMIT for every depth, keeping each next_cursor; a
 * short page on the way means the view is too small and ends the run. Then, ROUNDS times, it times
 * REQUESTS pages of every depth (after a tenth as many as warm-up), interleaved in a rotating order
 * so that machine noise hits all depths alike. It prints the first call of every depth's page (for a
 * check against SQL OFFSET), then one line per round and depth:
 * {@code calls: view=... round=R depth=D p50_ms=... p99_ms=...}. BENCH_API_KEY, when set, is sent as
 * the bearer credential.
 */
public class CallsBench {

    private static final int WALK_PAGE = 200;
    private static final Pattern NEXT_CURSOR = Pattern.compile("\"next_cursor\":\"([^\"]+)\"");
    private static final Pattern FIRST_ID = Pattern.compile("\\{\"id\":\"([0-9a-f-]{36})\"");
    private static final String ROW_END = "\"reconciliation\":{";

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String base;
    private final String apiKey = System.getenv().getOrDefault("BENCH_API_KEY", "");

    CallsBench(String base) {
        if (!URI.create(base).getHost().matches("127\\.0\\.0\\.1|localhost|::1|\\[::1]")) {
            throw new IllegalArgumentException("refusing to benchmark a non-loopback address: " + base);
        }
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5 || args[0].equals("--help")) {
            System.out.println("usage: java bench/CallsBench.java BASE_URL LIMIT DEPTHS REQUESTS ROUNDS [QUERY]");
            return;
        }
        int limit = Integer.parseInt(args[1]);
        int[] depths = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        int requests = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        String filters = args.length > 5 ? args[5] : "";
        new CallsBench(args[0]).run(filters, limit, depths, requests, rounds);
    }

    void run(String filters, int limit, int[] depths, int requests, int rounds) throws Exception {
        String view = filters.isEmpty() ? "all" : filters;
        Map<Integer, String> pages = walk(filters, limit, depths);
        for (var page : pages.entrySet()) {
            Matcher first = FIRST_ID.matcher(get(page.getValue()).body);
            System.out.printf("calls: view=%s depth=%d first_id=%s%n", view, page.getKey(), first.find() ? first.group(1) : "none");
        }
        List<Integer> order = new ArrayList<>(pages.keySet());
        for (int round = 1; round <= rounds; round++) {
            Map<Integer, List<Long>> times = new LinkedHashMap<>();
            order.forEach(depth -> times.put(depth, new ArrayList<>()));
            int warmup = Math.max(5, requests / 10);
            for (int i = 0; i < warmup + requests; i++) {
                Collections.rotate(order, 1); // no depth always runs first
                for (int depth : order) {
                    long elapsed = get(pages.get(depth)).elapsedNanos;
                    if (i >= warmup) times.get(depth).add(elapsed);
                }
            }
            for (var entry : times.entrySet()) {
                List<Long> sorted = entry.getValue();
                Collections.sort(sorted);
                System.out.printf(
                        "calls: view=%s round=%d depth=%d p50_ms=%.3f p99_ms=%.3f%n",
                        view, round, entry.getKey(), percentile(sorted, 50), percentile(sorted, 99));
            }
        }
    }

    /** The path of page DEPTH of the view for every depth, found by walking it with next_cursor. */
    private Map<Integer, String> walk(String filters, int limit, int[] depths) throws Exception {
        String prefix = "/calls?" + (filters.isEmpty() ? "" : filters + "&") + "limit=" + limit;
        Map<Integer, String> pages = new LinkedHashMap<>();
        long seen = 0;
        String cursor = null;
        long started = System.nanoTime();
        for (int depth : Arrays.stream(depths).sorted().toArray()) {
            long skip = (long) (depth - 1) * limit;
            while (seen < skip) {
                int size = (int) Math.min(WALK_PAGE, skip - seen);
                String body = get("/calls?" + (filters.isEmpty() ? "" : filters + "&") + "limit=" + size
                                + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)))
                        .body;
                Matcher next = NEXT_CURSOR.matcher(body);
                if (rows(body) != size || !next.find()) {
                    throw new IllegalStateException("view " + filters + " has only " + (seen + rows(body))
                            + " calls; page " + depth + " of " + limit + " needs " + (skip + limit));
                }
                cursor = next.group(1);
                seen += size;
            }
            pages.put(depth, cursor == null ? prefix : prefix + "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        }
        System.out.printf("calls: view=%s walked %d calls in %.1f s%n",
                filters.isEmpty() ? "all" : filters, seen, (System.nanoTime() - started) / 1e9);
        return pages;
    }

    private static int rows(String body) {
        int n = 0;
        for (int i = body.indexOf(ROW_END); i >= 0; i = body.indexOf(ROW_END, i + 1)) n++;
        return n;
    }

    private record Answer(String body, long elapsedNanos) {}

    private Answer get(String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json");
        if (!apiKey.isEmpty()) request.header("Authorization", "Bearer " + apiKey);
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        long elapsed = System.nanoTime() - start;
        if (response.statusCode() != 200) {
            String body = response.body();
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": "
                    + body.substring(0, Math.min(400, body.length())));
        }
        return new Answer(response.body(), elapsed);
    }

    private static double percentile(List<Long> sortedNanos, int p) {
        if (sortedNanos.isEmpty()) return Double.NaN;
        int index = (int) Math.ceil(p / 100.0 * sortedNanos.size()) - 1;
        return sortedNanos.get(Math.max(0, Math.min(index, sortedNanos.size() - 1))) / 1_000_000.0;
    }
}
