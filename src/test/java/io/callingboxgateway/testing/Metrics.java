package io.callingboxgateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The Prometheus scrape on the management interface, read the way a dashboard reads it: by series name
 * and tags, to a value. The one way tests read metrics (never the in-process registry), so a test sees
 * exactly the names, units and tags an operator's Prometheus sees.
 */
public final class Metrics {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Metrics() {}

    /**
     * One line of the scrape: {@code name{tag="value",...} 1.0}, possibly followed by a timestamp or, when
     * the increment happened inside a trace, an exemplar ({@code # {trace_id="..."} 1.0 1796617341.779}).
     */
    public record Sample(String name, Map<String, String> tags, double value) {

        static Sample parse(String line) {
            int exemplar = line.indexOf(" # ");
            String sample = exemplar < 0 ? line : line.substring(0, exemplar);
            int open = sample.indexOf('{');
            int close = open < 0 ? -1 : sample.lastIndexOf('}');
            String[] rest = sample.substring(close + 1).trim().split("\\s+");
            String name = open < 0 ? rest[0] : sample.substring(0, open);
            Map<String, String> tags = open < 0 ? Map.of() : tags(sample.substring(open + 1, close));
            return new Sample(name, tags, Double.parseDouble(rest[open < 0 ? 1 : 0]));
        }

        private static Map<String, String> tags(String list) {
            Map<String, String> tags = new LinkedHashMap<>();
            int at = 0;
            while (at < list.length()) {
                int equals = list.indexOf('=', at);
                int close = list.indexOf('"', equals + 2);
                while (list.charAt(close - 1) == '\\') {
                    close = list.indexOf('"', close + 1);
                }
                tags.put(list.substring(at, equals), list.substring(equals + 2, close));
                at = close + 1;
                if (at < list.length() && list.charAt(at) == ',') {
                    at++;
                }
            }
            return tags;
        }

        boolean matches(String wantedName, Map<String, String> wantedTags) {
            return name.equals(wantedName)
                    && wantedTags.entrySet().stream().allMatch(t -> t.getValue().equals(tags.get(t.getKey())));
        }
    }

    /** The whole scrape as text, for what is about its format rather than its values; fails unless 200. */
    public static String scrape() {
        HttpResponse<String> response = send();
        assertEquals(200, response.statusCode(), "the metrics scrape answers");
        return response.body();
    }

    /** Every sample of the scrape, comments left out. */
    public static List<Sample> samples() {
        return scrape().lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(Sample::parse)
                .toList();
    }

    /**
     * The value of one series, e.g. {@code gateway_events_streams_open} or
     * {@code gateway_webhooks_rejected_total{reason="signature"}}: the tags given must all be on the
     * series, others may be too; 0 when no such series is registered yet (counters appear at their
     * first increment). Fails when the tags given match more than one series, which would make the
     * value a guess.
     */
    public static double value(String series) {
        return find(series).orElse(0);
    }

    /** Like {@link #value(String)}, but empty where the series is not registered, to tell that from 0. */
    public static OptionalDouble find(String series) {
        boolean tagged = series.contains("{");
        String name = tagged ? series.substring(0, series.indexOf('{')) : series;
        Map<String, String> wanted =
                tagged ? Sample.tags(series.substring(series.indexOf('{') + 1, series.length() - 1)) : Map.of();
        List<Sample> matching =
                samples().stream().filter(s -> s.matches(name, wanted)).toList();
        if (matching.size() > 1) {
            throw new AssertionError(series + " names more than one series: " + matching);
        }
        return matching.isEmpty()
                ? OptionalDouble.empty()
                : OptionalDouble.of(matching.get(0).value());
    }

    /** The sum over every series of this name, whatever its tags (e.g. a counter split by reason). */
    public static double sum(String name) {
        return samples().stream()
                .filter(s -> s.name().equals(name))
                .mapToDouble(Sample::value)
                .sum();
    }

    // The JDK client, not RestAssured: tests poll the scrape in loops, and RestAssured's Groovy
    // machinery costs as much CPU as the gateway itself
    private static HttpResponse<String> send() {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(Management.url("/q/metrics"))
                            .timeout(Duration.ofSeconds(30))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
