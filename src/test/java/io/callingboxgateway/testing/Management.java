package io.callingboxgateway.testing;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The gateway's management interface as an operator's tools meet it: health probes, the Prometheus
 * scrape and the OpenAPI document, on a port of their own (random in tests), never on the API port.
 * Every test that reads health goes through here, and {@link Metrics} reads the scrape through here.
 * Paths are spelled as an operator types them, e.g. {@code /q/health/ready}.
 */
public final class Management {

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

    /** {@code GET /q/health} followed by {@code path}: {@code ""}, {@code "/ready"}, {@code "/group/upstream"}. */
    public static Response health(String path) {
        return given().get("/q/health" + path);
    }
}
