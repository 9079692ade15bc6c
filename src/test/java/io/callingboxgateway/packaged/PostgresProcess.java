package io.callingboxgateway.packaged;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL of one test's own (the suite's embedded zonky binaries), on a data directory and a port
 * that survive a crash: {@link #crash()} stops it in immediate mode, as a power cut or an OOM kill
 * would (no checkpoint, WAL replayed at the next start), and {@link #start()} brings it back on the
 * same data and port, so a gateway that keeps running finds it again.
 */
public final class PostgresProcess implements AutoCloseable {

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres server;

    public PostgresProcess() {
        try {
            this.dataDirectory = Files.createTempDirectory("gateway-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.port = GatewayProcess.freePort();
    }

    /** Starts the server: a fresh cluster the first time, the same data directory after a crash. */
    public PostgresProcess start() {
        try {
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the test PostgreSQL", e);
        }
        return this;
    }

    /**
     * An immediate stop, as {@code pg_ctl stop -m immediate} does it: SIGQUIT to the postmaster, which
     * makes every server process quit at once, without a checkpoint. Sent directly because pg_ctl
     * refuses to run as root, as the build sometimes does.
     */
    public void crash() throws Exception {
        long pid = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid"))
                .get(0)
                .trim());
        ProcessHandle postmaster =
                ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no postmaster " + pid));
        Process quit = new ProcessBuilder("kill", "-QUIT", Long.toString(pid))
                .redirectErrorStream(true)
                .start();
        if (!quit.waitFor(10, TimeUnit.SECONDS) || quit.exitValue() != 0) {
            throw new IllegalStateException("kill -QUIT " + pid + " failed");
        }
        postmaster.onExit().get(60, TimeUnit.SECONDS);
        releaseQuietly();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    /** A connection of the test's own, as user postgres, outside any gateway. */
    public Connection connect() throws SQLException {
        return server.getPostgresDatabase().getConnection();
    }

    /** The single number a query such as {@code select count(*) from call} answers. */
    public long count(String sql) throws SQLException {
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Lets go of the stopped server's directory lock (zonky's close finds nothing left to stop). */
    private void releaseQuietly() {
        try {
            server.close();
        } catch (IOException | RuntimeException e) {
            // nothing was running any more: pg_ctl stop has nothing to stop
        }
        server = null;
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
        try (Stream<Path> files = Files.walk(dataDirectory)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }
}
