package io.callingboxgateway.packaged;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application (target/quarkus-app/quarkus-run.jar, prod profile) run as a real process,
 * as an operator would run it: its own secrets from {@link PackagedAppConfig}, its own API and
 * management ports, its output in a log file under target/. A restart keeps the ports and the
 * configuration, so a client that keeps sending finds the new process where the old one was.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final Duration READY_WITHIN = Duration.ofSeconds(120);

    private final Map<String, String> config;
    private final Path logFile;
    private final int port;
    private final int managementPort;
    private Process process;
    private int starts;

    /**
     * @param name names the log file, target/{name}.log (a restart appends to it)
     * @param database the JDBC URL of the PostgreSQL it uses (user and password postgres)
     * @param overrides configuration on top of the packaged defaults, e.g. the poll interval
     */
    public GatewayProcess(String name, String database, Map<String, String> overrides) {
        this.port = freePort();
        this.managementPort = freePort();
        this.logFile = Path.of("target", name + ".log");
        Map<String, String> all = new HashMap<>(new PackagedAppConfig().start());
        all.put("gateway.admin-api-key", PackagedAppConfig.ADMIN_KEY);
        all.put("quarkus.http.host", "127.0.0.1");
        all.put("quarkus.http.port", Integer.toString(port));
        all.put("quarkus.management.host", "127.0.0.1");
        all.put("quarkus.management.port", Integer.toString(managementPort));
        all.put("quarkus.datasource.jdbc.url", database);
        all.put("quarkus.datasource.username", "postgres");
        all.put("quarkus.datasource.password", "postgres");
        all.put("quarkus.log.file.enabled", "false");
        all.putAll(overrides);
        this.config = Map.copyOf(all);
    }

    /** Starts the process (again, after {@link #kill()}) and waits until it reports ready. */
    public GatewayProcess start() {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx256m");
        config.forEach((name, value) -> command.add("-D" + name + "=" + value));
        command.add("-jar");
        command.add(Path.of("target", "quarkus-app", "quarkus-run.jar").toString());
        try {
            ProcessBuilder.Redirect output = starts++ == 0
                    ? ProcessBuilder.Redirect.to(logFile.toFile())
                    : ProcessBuilder.Redirect.appendTo(logFile.toFile());
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the packaged gateway", e);
        }
        awaitReady();
        return this;
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newHttpClient();
        URI ready = management("/q/health/ready");
        Process starting = process;
        await().atMost(READY_WITHIN)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .failFast("the gateway process ended before it was ready: " + logTail(), () -> !starting.isAlive())
                .until(() -> http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
    }

    /** SIGKILL: no shutdown hook, no lease release, sockets reset by the kernel. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the gateway outlived SIGKILL by 30 s");
        }
    }

    /** SIGTERM, the orderly stop a pod gets. */
    public void terminate() {
        process.destroy();
    }

    public Process process() {
        return process;
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    public int port() {
        return port;
    }

    public URI api(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    public URI management(String path) {
        return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    /** The signing secret CallingBox would use towards this gateway. */
    public String webhookSecret() {
        return config.get("callingbox.webhook.secrets").split(",")[0];
    }

    public String adminKey() {
        return config.get("gateway.admin-api-key");
    }

    /** The last 40 lines of the process's output, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (alive()) {
            process.destroyForcibly();
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
