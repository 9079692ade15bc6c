package io.callingboxgateway.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.LaunchMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dev-mode wiring acts only when nobody configured CallingBox, and never outside dev mode. */
class SandboxConfigSourceFactoryTest {

    @Test
    void anUnconfiguredDevModeGatewayIsWiredToTheSandbox() {
        Map<String, String> wiring = SandboxConfigSourceFactory.wiring(
                List.of("dev"), LaunchMode.DEVELOPMENT, Map.<String, String>of()::get);

        assertEquals(
                "http://localhost:${quarkus.http.port:8080}/sandbox/callingbox", wiring.get("callingbox.base-url"));
        assertEquals("${sandbox.api-key:" + SandboxDefaults.API_KEY + "}", wiring.get("callingbox.api-key"));
        assertEquals(
                "${sandbox.webhook.secret:" + SandboxDefaults.WEBHOOK_SECRET + "}",
                wiring.get("callingbox.webhook.secrets"));
        assertEquals("true", wiring.get("sandbox.trickle.enabled"));
    }

    @Test
    void aConfiguredKeyOrBaseUrlLeavesTheGatewayAlone() {
        assertTrue(SandboxConfigSourceFactory.wiring(
                        List.of("dev"), LaunchMode.DEVELOPMENT, Map.of("callingbox.api-key", "sk_live_x")::get)
                .isEmpty());
        assertTrue(SandboxConfigSourceFactory.wiring(
                        List.of("dev"),
                        LaunchMode.DEVELOPMENT,
                        Map.of("callingbox.base-url", "https://api.callingbox.io")::get)
                .isEmpty());
    }

    @Test
    void blankValuesCountAsNotConfigured() {
        assertEquals(
                4,
                SandboxConfigSourceFactory.wiring(
                                List.of("dev"), LaunchMode.DEVELOPMENT, Map.of("callingbox.api-key", " ")::get)
                        .size());
    }

    @Test
    void nothingIsWiredOutsideADevModeLaunch() {
        assertTrue(SandboxConfigSourceFactory.wiring(List.of("test"), LaunchMode.TEST, Map.<String, String>of()::get)
                .isEmpty());
        assertTrue(SandboxConfigSourceFactory.wiring(List.of("prod"), LaunchMode.NORMAL, Map.<String, String>of()::get)
                .isEmpty());
        // A packaged application started with QUARKUS_PROFILE=dev
        assertTrue(SandboxConfigSourceFactory.wiring(List.of("dev"), LaunchMode.NORMAL, Map.<String, String>of()::get)
                .isEmpty());
    }
}
