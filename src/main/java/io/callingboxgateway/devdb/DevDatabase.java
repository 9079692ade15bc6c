package io.callingboxgateway.devdb;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The embedded PostgreSQL of dev mode. Its data lives in {@code target/dev-postgres}, so calls survive
 * a restart of {@code quarkus:dev} and {@code ./mvnw clean} starts afresh.
 *
 * <p>Dev mode builds its configuration several times, in more than one class loader, so the server's
 * URL is remembered in a JVM-wide system property rather than a static field.
 */
final class DevDatabase {

    private static final Logger LOG = Logger.getLogger(DevDatabase.class);
    private static final String STARTED_URL = "callingbox-gateway.dev-postgres.url";

    private DevDatabase() {}

    static synchronized String jdbcUrl() {
        String started = System.getProperty(STARTED_URL);
        if (started != null) {
            return started;
        }
        try {
            File data = new File("target/dev-postgres").getAbsoluteFile();
            boolean fresh = !new File(data, "PG_VERSION").exists();
            EmbeddedPostgres server = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(fresh)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> close(server), "dev-postgres-shutdown"));
            String url = server.getJdbcUrl("postgres", "postgres");
            System.setProperty(STARTED_URL, url);
            LOG.infof("Dev mode: embedded PostgreSQL on port %d, data in %s", server.getPort(), data);
            return url;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded dev PostgreSQL", e);
        }
    }

    private static void close(EmbeddedPostgres server) {
        try {
            server.close();
        } catch (IOException e) {
            LOG.warn("Could not stop the embedded dev PostgreSQL cleanly", e);
        }
    }
}
