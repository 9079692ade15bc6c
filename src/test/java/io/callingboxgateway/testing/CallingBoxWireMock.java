package io.callingboxgateway.testing;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A fake CallingBox for the whole suite: WireMock on a dynamic port, with the gateway's base URL and a
 * test API key pointed at it. Tests reset its stubs in {@code @BeforeEach}. It also knows how to stream
 * a generated call list of any length ({@link CallListGenerator}) without holding it in memory.
 */
public class CallingBoxWireMock implements QuarkusTestResourceLifecycleManager {

    public static final String API_KEY = "sk_test_gateway_suite_7f3a";

    private static WireMockServer server;

    public static WireMockServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(wireMockConfig()
                .dynamicPort()
                // the journal keeps only the head of a response, so a generated list is not copied whole
                .maxLoggedResponseSize(4096)
                .extensions(new CallListGenerator()));
        server.start();
        return Map.of("callingbox.base-url", server.baseUrl(), "callingbox.api-key", API_KEY);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
