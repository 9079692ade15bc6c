package io.callingboxgateway.sandbox;

import io.quarkus.runtime.LaunchMode;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Makes {@code ./mvnw quarkus:dev} run against the simulator with no set-up: in dev mode, when neither
 * {@code callingbox.api-key} nor {@code callingbox.base-url} is configured anywhere, it points the
 * gateway at the simulator on the gateway's own port, with the simulator's key and signing secret, and
 * starts the trickle of synthetic calls.
 *
 * <p>It acts only in the dev profile of a dev-mode launch, so a packaged application started with
 * {@code QUARKUS_PROFILE=dev} is still never wired to a simulator (which its build does not contain).
 * Anything the user configures wins: these values sit below every other config source.
 */
public class SandboxConfigSourceFactory implements ConfigSourceFactory {

    static final String API_KEY = "callingbox.api-key";
    static final String BASE_URL = "callingbox.base-url";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> wiring = wiring(context.getProfiles(), LaunchMode.current(), name -> {
            ConfigValue value = context.getValue(name);
            return value == null ? null : value.getValue();
        });
        return wiring.isEmpty()
                ? List.of()
                : List.of(new PropertiesConfigSource(wiring, "CallingBox sandbox wiring (dev mode)", 1));
    }

    /** The properties that wire the gateway to the sandbox, or none when it must stay unwired. */
    static Map<String, String> wiring(List<String> profiles, LaunchMode launchMode, Function<String, String> config) {
        if (!profiles.contains("dev")
                || launchMode != LaunchMode.DEVELOPMENT
                || configured(config.apply(API_KEY))
                || configured(config.apply(BASE_URL))) {
            return Map.of();
        }
        return Map.of(
                BASE_URL,
                "http://localhost:${quarkus.http.port:8080}" + SandboxDefaults.BASE_PATH,
                API_KEY,
                "${sandbox.api-key:" + SandboxDefaults.API_KEY + "}",
                "callingbox.webhook.secrets",
                "${sandbox.webhook.secret:" + SandboxDefaults.WEBHOOK_SECRET + "}",
                "sandbox.trickle.enabled",
                "true");
    }

    private static boolean configured(String value) {
        return value != null && !value.isBlank();
    }
}
