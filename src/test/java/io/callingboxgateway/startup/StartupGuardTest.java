package io.callingboxgateway.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.LaunchMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each rule of the packaged application's start-up guard, on its own, without starting Quarkus. */
class StartupGuardTest {

    private static final String DB = "jdbc:postgresql://db.internal:5432/gateway";

    @Test
    void aSafeConfigurationStarts() {
        assertEquals(List.of(), refusals(safe()));
    }

    @Test
    void noDatabaseUrlIsRefused() {
        Map<String, String> config = safe();
        config.remove("quarkus.datasource.jdbc.url");

        assertEquals(
                List.of("no database is configured: set QUARKUS_DATASOURCE_JDBC_URL"
                        + " (e.g. jdbc:postgresql://db.internal:5432/gateway)"),
                refusals(config));
        config.put("quarkus.datasource.jdbc.url", " ");
        assertEquals(1, refusals(config).size());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://api.callingbox.io",
                "HTTP://api.callingbox.io/",
                "http://10.0.0.5:8080",
                "http://127.0.0.1.example.com",
                "http://localhost.example.com",
                "http://gateway.localhost", // resolved by DNS like any other name
                "http://127.1",
                "ftp://api.callingbox.io",
                "api.callingbox.io",
                "not a url"
            })
    void aBaseUrlThatWouldSendTheKeyInClearTextIsRefused(String url) {
        Map<String, String> config = safe();
        config.put("callingbox.base-url", url);

        List<String> refusals = refusals(config);

        assertEquals(1, refusals.size(), url);
        assertTrue(refusals.get(0).startsWith("CALLINGBOX_BASE_URL"), refusals.get(0));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://api.callingbox.io",
                "https://10.0.0.5:8443/",
                "http://localhost:8080/sandbox/callingbox",
                "http://127.0.0.1:9999",
                "http://127.8.9.10",
                "http://[::1]:8080"
            })
    void httpsOrPlainHttpOnThisMachineIsAccepted(String url) {
        Map<String, String> config = safe();
        config.put("callingbox.base-url", url);

        assertEquals(List.of(), refusals(config), url);
    }

    @ParameterizedTest
    @CsvSource({
        "callingbox.webhook.secrets, whsec_sandbox_3e9a7c51d2b84f60, CALLINGBOX_WEBHOOK_SECRETS",
        "callingbox.webhook.secrets, 'whsec_live_mine,whsec_test_current', CALLINGBOX_WEBHOOK_SECRETS",
        "callingbox.webhook.secrets, ' whsec_test_previous ', CALLINGBOX_WEBHOOK_SECRETS",
        "callingbox.api-key, sk_sandbox_7b1c0e5d4a3f2e1d, CALLINGBOX_API_KEY",
        "gateway.admin-api-key, gwk_test_admin_0123456789abcdef0123456789abcdef, GATEWAY_ADMIN_API_KEY",
        "GATEWAY_ADMIN_API_KEY, gwk_test_admin_0123456789abcdef0123456789abcdef, GATEWAY_ADMIN_API_KEY",
    })
    void aPublishedSecretIsRefusedNamingTheSettingNotTheValue(String name, String value, String env) {
        Map<String, String> config = safe();
        config.put(name, value);

        List<String> refusals = refusals(config);

        assertEquals(1, refusals.size(), refusals.toString());
        assertTrue(refusals.get(0).startsWith(env + " holds a secret published"), refusals.get(0));
        assertFalse(refusals.get(0).contains(value.trim()), "the value itself is not repeated");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sk_test_4eC39HqLyjWDarjtT1zdp7dc", // an ordinary CallingBox test-mode key
                "sk_sandbox_7b1c0e5d4a3f2e1e", // one character off the sandbox's
                "whsec_test_current_2",
                "gwk_test_admin_0123456789abcdef0123456789abcdeF"
            })
    void secretsAreRecognisedByExactValueNeverByPattern(String value) {
        Map<String, String> config = safe();
        config.put("callingbox.api-key", value);
        config.put("callingbox.webhook.secrets", value);
        config.put("gateway.admin-api-key", value);

        assertEquals(List.of(), refusals(config));
    }

    @Test
    void everyRuleIsReportedAtOnce() {
        Map<String, String> config = new HashMap<>();
        config.put("callingbox.base-url", "http://api.callingbox.io");
        config.put("callingbox.webhook.secrets", "whsec_test_current,whsec_test_previous");

        assertEquals(3, refusals(config).size(), refusals(config).toString());
    }

    @Test
    void devModeAndTestsAreNeverRefused() {
        Map<String, String> sandbox = new HashMap<>();
        sandbox.put("callingbox.base-url", "http://localhost:8080/sandbox/callingbox");
        sandbox.put("callingbox.api-key", "sk_sandbox_7b1c0e5d4a3f2e1d");
        sandbox.put("callingbox.webhook.secrets", "whsec_sandbox_3e9a7c51d2b84f60");

        assertEquals(List.of(), StartupGuard.refusals(LaunchMode.DEVELOPMENT, lookup(sandbox)));
        assertEquals(List.of(), StartupGuard.refusals(LaunchMode.TEST, lookup(Map.of())));
        // the same settings in the packaged application: no database, and two published secrets
        assertEquals(
                3, StartupGuard.refusals(LaunchMode.NORMAL, lookup(sandbox)).size());
    }

    private static Map<String, String> safe() {
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", DB);
        config.put("callingbox.base-url", "https://api.callingbox.io");
        config.put("callingbox.api-key", "sk_live_0a1b2c3d4e5f");
        config.put("callingbox.webhook.secrets", "whsec_live_current,whsec_live_previous");
        config.put("gateway.admin-api-key", "gwk_live_fedcba9876543210fedcba9876543210");
        return config;
    }

    private static List<String> refusals(Map<String, String> config) {
        return StartupGuard.refusals(LaunchMode.NORMAL, lookup(config));
    }

    private static java.util.function.Function<String, Optional<String>> lookup(Map<String, String> config) {
        return name -> Optional.ofNullable(config.get(name));
    }
}
