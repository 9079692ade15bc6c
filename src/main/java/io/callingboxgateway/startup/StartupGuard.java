package io.callingboxgateway.startup;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.quarkus.runtime.ExecutionMode;
import io.quarkus.runtime.LaunchMode;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

/**
 * Refuses to start the packaged application in a configuration that is unsafe to expose: no database
 * URL (there is no {@code 127.0.0.1/postgres} fallback any more), CallingBox reached over plain http
 * through a network, or a secret whose value is published (the sandbox's, or the test suite's).
 *
 * <p>It acts whenever the application was not launched by {@code quarkus:dev} or by the tests
 * ({@link LaunchMode#NORMAL}), whatever profile it runs with: dev mode uses the sandbox's secrets on
 * purpose. Published secrets are recognised by their exact value, never by a pattern ({@code sk_test_...}
 * is an ordinary CallingBox key), and this class carries only their SHA-256, not the values.
 *
 * <p>It judges the configuration while Quarkus builds it for the run (a config source factory that adds
 * no source), so it speaks before anything uses that configuration: a start-up observer would come too
 * late, after Hibernate ORM has already failed on the missing datasource with a page of advice.
 */
public class StartupGuard implements ConfigSourceFactory {

    private static final Logger LOG = Logger.getLogger(StartupGuard.class);

    /** SHA-256 (hex) of secret values published in this repository: sandbox defaults and test values. */
    static final Set<String> PUBLISHED_SECRET_HASHES = Set.of(
            // the sandbox's webhook signing secret
            "39ff9da2a389b440402d2fd1328f88f17df4db22e509182353c5389b6a438eaa",
            // the sandbox's CallingBox API key
            "9800d388dc4ab58955ef4bb487e8b2e6e7577d81a9e2d03810d0a36c5a55397e",
            // the tests' current and previous webhook signing secrets
            "a3b56fa4dbcec8295dd46bbaeaf467ddc695c95b632a08bc4fc64135ba7b747c",
            "a7ea4a98fba37fc5c2b470caa2b5baaca489be9522124c68e1ab238d668f711a",
            // the tests' admin API key
            "ddee0e13e70f32bc2e6e2f3aa94167bef4a908d0bc0c272c9956ed159129031b");

    /** Where a secret may be configured: the property, and the environment variable operators use. */
    record SecretSetting(String property, String env, boolean list) {}

    static final List<SecretSetting> SECRETS = List.of(
            new SecretSetting("callingbox.webhook.secrets", "CALLINGBOX_WEBHOOK_SECRETS", true),
            new SecretSetting("callingbox.api-key", "CALLINGBOX_API_KEY", false),
            new SecretSetting("gateway.admin-api-key", "GATEWAY_ADMIN_API_KEY", false));

    static final String DATASOURCE_URL = "quarkus.datasource.jdbc.url";
    static final String BASE_URL = "callingbox.base-url";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        // the configuration is also built while the application is packaged, and for static init:
        // only the one the application runs with is judged
        if (ExecutionMode.current() == ExecutionMode.RUNTIME_INIT) {
            List<String> refusals = refusals(LaunchMode.current(), name -> lookup(context, name));
            if (!refusals.isEmpty()) {
                String reason = "Refusing to start: " + String.join("; ", refusals);
                LOG.error(reason);
                throw new StartupRefused(reason);
            }
        }
        return List.of();
    }

    /**
     * Why this configuration must not start, one sentence each; empty when it may. Only the packaged
     * application ({@link LaunchMode#NORMAL}) is judged.
     *
     * @param config a property's value, found by its property name or its environment variable name
     */
    static List<String> refusals(LaunchMode mode, Function<String, Optional<String>> config) {
        if (mode != LaunchMode.NORMAL) {
            return List.of();
        }
        List<String> refusals = new ArrayList<>();
        if (config.apply(DATASOURCE_URL).filter(url -> !url.isBlank()).isEmpty()) {
            refusals.add("no database is configured: set QUARKUS_DATASOURCE_JDBC_URL"
                    + " (e.g. jdbc:postgresql://db.internal:5432/gateway)");
        }
        config.apply(BASE_URL).map(StartupGuard::baseUrlProblem).ifPresent(refusals::add);
        for (SecretSetting setting : SECRETS) {
            // both spellings: the property may be named otherwise by the code that reads the variable
            boolean published = Stream.of(config.apply(setting.property()), config.apply(setting.env()))
                    .flatMap(Optional::stream)
                    .anyMatch(value -> holdsPublishedSecret(value, setting.list()));
            if (published) {
                refusals.add(setting.env() + " holds a secret published with the gateway's sandbox or tests"
                        + " (configure your own)");
            }
        }
        return refusals;
    }

    /** Why this CallingBox base URL is unsafe, or null: plain http is acceptable only on this machine. */
    static String baseUrlProblem(String baseUrl) {
        URI uri;
        try {
            uri = new URI(baseUrl.trim());
        } catch (URISyntaxException e) {
            return "CALLINGBOX_BASE_URL is not a URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
            return "CALLINGBOX_BASE_URL must be an https URL (e.g. https://api.callingbox.io)";
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            return "CALLINGBOX_BASE_URL uses plain http to " + uri.getHost()
                    + ", which would send the API key across the network in clear text (use https)";
        }
        return null;
    }

    /** {@code localhost}, or a literal in 127.0.0.0/8 or ::1, judged by the text alone: nothing is looked up. */
    static boolean isLoopback(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.equals("localhost")) {
            return true;
        }
        String literal = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
        boolean ipv4 = literal.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean ipv6 = literal.contains(":") && literal.matches("[0-9a-f:.]+");
        if (!ipv4 && !ipv6) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress(); // a literal: parsed, not resolved
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    static boolean holdsPublishedSecret(String value, boolean list) {
        List<String> values = list ? List.of(value.split(",")) : List.of(value);
        return values.stream().map(String::trim).map(StartupGuard::sha256).anyMatch(PUBLISHED_SECRET_HASHES::contains);
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static Optional<String> lookup(ConfigSourceContext context, String name) {
        // a property name is also found in its environment variable form by the environment source;
        // an upper-case name is read from the environment as it is
        if (name.equals(name.toUpperCase(Locale.ROOT))) {
            return Optional.ofNullable(System.getenv(name));
        }
        ConfigValue value = context.getValue(name);
        return Optional.ofNullable(value == null ? null : value.getValue());
    }

    /** The configuration is unsafe; the message says why, in one line, and no stack trace is needed. */
    static final class StartupRefused extends RuntimeException {
        StartupRefused(String message) {
            super(message, null, false, false);
        }
    }
}
