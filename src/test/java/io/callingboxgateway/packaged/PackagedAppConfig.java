package io.callingboxgateway.packaged;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * Configuration the packaged application needs to start in the prod profile, as an operator would
 * give it: its own secrets (never the public test values, which the packaged application refuses), no
 * real CallingBox, and a free management port the test can reach.
 */
public class PackagedAppConfig implements QuarkusTestResourceLifecycleManager {

    static final String ADMIN_KEY = "gwk_it_" + random(16);
    static volatile int managementPort;

    @Override
    public Map<String, String> start() {
        managementPort = freePort();
        return Map.of(
                "quarkus.management.port",
                Integer.toString(managementPort),
                "callingbox.webhook.secrets",
                "whsec_it_" + random(16),
                "callingbox.api-key",
                "sk_it_" + random(16),
                // Loopback and closed: the poller must not reach out of the test machine
                "callingbox.base-url",
                "http://127.0.0.1:9",
                "callingbox.poll-interval",
                "off",
                "gateway.admin-api-key",
                ADMIN_KEY,
                "gateway.secrets-key",
                java.util.Base64.getEncoder().encodeToString(bytes(32)),
                "gateway.cursor-key",
                random(32));
    }

    @Override
    public void stop() {}

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String random(int bytes) {
        return HexFormat.of().formatHex(bytes(bytes));
    }

    private static byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
