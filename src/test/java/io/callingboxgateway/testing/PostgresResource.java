package io.callingboxgateway.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL for the test suite, started by the suite itself (no Docker, no installed server).
 * Set TEST_DB_URL (and TEST_DB_USER / TEST_DB_PASSWORD) to run against an existing server instead;
 * its schema is then wiped and migrated afresh.
 *
 * <p>Either way the gateway reaches the database through a {@link TcpProxy}, so a test can cut the
 * database off ({@link #proxy()}) and prove what a real outage would do. Benchmarks set
 * {@code -Dtest.db.direct=true} to connect directly, as a deployed gateway does: the relay costs every
 * round trip a hop through two Java threads.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private static volatile TcpProxy proxy;

    private EmbeddedPostgres server;

    /** The relay between the gateway and the test database; restore it after cutting it. */
    public static TcpProxy proxy() {
        if (proxy == null) {
            throw new IllegalStateException("PostgresResource has not started");
        }
        return proxy;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        String url;
        String external = System.getenv("TEST_DB_URL");
        if (external != null && !external.isBlank()) {
            url = external;
            config.put("quarkus.datasource.username", System.getenv().getOrDefault("TEST_DB_USER", "postgres"));
            config.put("quarkus.datasource.password", System.getenv().getOrDefault("TEST_DB_PASSWORD", "postgres"));
            config.put("quarkus.flyway.clean-at-start", "true");
            config.put("quarkus.flyway.clean-disabled", "false");
        } else {
            try {
                server = EmbeddedPostgres.builder()
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the embedded test PostgreSQL", e);
            }
            url = server.getJdbcUrl("postgres", "postgres");
            config.put("quarkus.datasource.username", "postgres");
            config.put("quarkus.datasource.password", "postgres");
        }
        config.put("quarkus.datasource.jdbc.url", Boolean.getBoolean("test.db.direct") ? url : throughProxy(url));
        return config;
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Starts the proxy towards the URL's host and port, and returns the URL pointed at the proxy. */
    private static String throughProxy(String jdbcUrl) {
        String prefix = "jdbc:";
        if (!jdbcUrl.startsWith(prefix)) {
            throw new IllegalArgumentException("not a JDBC URL: " + jdbcUrl);
        }
        URI uri = URI.create(jdbcUrl.substring(prefix.length()));
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "TEST_DB_URL needs a single host, as in" + " jdbc:postgresql://HOST[:PORT]/DB: " + jdbcUrl);
        }
        try {
            proxy = TcpProxy.to(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the database proxy", e);
        }
        String authority = uri.getRawAuthority();
        String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
        return jdbcUrl.replaceFirst("//" + Pattern.quote(hostAndPort), "//127.0.0.1:" + proxy.port());
    }
}
