package io.callingboxgateway.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;

/**
 * A real PostgreSQL for the test suite, started by the suite itself (no Docker, no installed server).
 * Set TEST_DB_URL (and TEST_DB_USER / TEST_DB_PASSWORD) to run against an existing server instead;
 * its schema is then wiped and migrated afresh.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedPostgres server;

    @Override
    public Map<String, String> start() {
        String external = System.getenv("TEST_DB_URL");
        if (external != null && !external.isBlank()) {
            return Map.of(
                    "quarkus.datasource.jdbc.url",
                    external,
                    "quarkus.datasource.username",
                    System.getenv().getOrDefault("TEST_DB_USER", "postgres"),
                    "quarkus.datasource.password",
                    System.getenv().getOrDefault("TEST_DB_PASSWORD", "postgres"),
                    "quarkus.flyway.clean-at-start",
                    "true",
                    "quarkus.flyway.clean-disabled",
                    "false");
        }
        try {
            server = EmbeddedPostgres.builder()
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded test PostgreSQL", e);
        }
        return Map.of(
                "quarkus.datasource.jdbc.url", server.getJdbcUrl("postgres", "postgres"),
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }

    @Override
    public void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
