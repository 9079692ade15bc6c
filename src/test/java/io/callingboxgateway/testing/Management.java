package io.callingboxgateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The gateway's management interface as an operator's tools meet it: health probes, the Prometheus
 * scrape and the OpenAPI document, on a port of their own (random in tests), never on the API port.
 * Every test that reads health or metrics goes through here. Paths are spelled as an operator types them,
 * e.g. {@code /q/metrics}.
 */
public final class Management {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Management() {}

    /**
     * The running test application's management interface, e.g. {@code http://localhost:41234}. Read at
     * each call: the port is random and a test profile restarts the application on another one.
     */
    public static URI root() {
        // "http://localhost:<actual port>/q": Quarkus resolves quarkus.management.test-port=0 to the bound port
        URI url = URI.create(ConfigProvider.getConfig().getValue("test.management.url", String.class));
        return URI.create(url.getScheme() + "://" + url.getHost() + ":" + url.getPort());
    }

    /** A full URL on the management interface, e.g. {@code url("/q/health/ready")}. */
    public static URI url(String path) {
        return root().resolve(path);
    }

    /** A RestAssured request to the management interface, for assertions on status, headers and body. */
    public static RequestSpecification given() {
        URI root = root();
        return RestAssured.given()
                .baseUri(root.getScheme() + "://" + root.getHost())
                .port(root.getPort())
                .basePath("");
    }

    /** {@code GET /q/metrics}, the Prometheus scrape. */
    public static Response metrics() {
        return given().get("/q/metrics");
    }

    /** {@code GET /q/health} followed by {@code path}: {@code ""}, {@code "/ready"}, {@code "/group/upstream"}. */
    public static Response health(String path) {
        return given().get("/q/health" + path);
    }

    /** The Prometheus scrape as text; fails the test unless it answers 200. */
    public static String scrape() {
        HttpResponse<String> response = send(url("/q/metrics"));
        assertEquals(200, response.statusCode(), "the metrics scrape answers");
        return response.body();
    }

    /**
     * The value of one series as a dashboard reads it, e.g. {@code gateway_events_streams_open} or
     * {@code gateway_webhooks_rejected_total{reason="signature"}} (the tags given must all be on the line,
     * others may be too); 0 when it has not been registered yet.
     */
    public static double value(String series) {
        boolean tagged = series.contains("{");
        String name = tagged ? series.substring(0, series.indexOf('{')) : series;
        List<String> wantedTags = tagged
                ? List.of(series.substring(series.indexOf('{') + 1, series.length() - 1)
                        .split(","))
                : List.of();
        for (String line : scrape().split("\n")) {
            if ((line.startsWith(name + " ") || line.startsWith(name + "{"))
                    && wantedTags.stream().allMatch(line::contains)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** The sum over every line of a series, whatever its tags (e.g. a counter split by reason). */
    public static double sum(String name) {
        return scrape().lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    // The JDK client, not RestAssured: tests poll the scrape in loops, and RestAssured's Groovy
    // machinery costs as much CPU as the gateway itself
    private static HttpResponse<String> send(URI url) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(url)
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
