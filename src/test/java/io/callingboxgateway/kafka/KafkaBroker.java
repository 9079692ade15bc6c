package io.callingboxgateway.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.awaitility.Awaitility;

/**
 * A real Kafka broker (one KRaft node, broker and controller) in a child JVM on free loopback ports,
 * from the kafka_2.13 jars on the test class path. A child process, not threads of the test JVM: the
 * broker's own logging and Scala runtime stay apart from Quarkus's, and stopping it is a real outage.
 * Its log directory survives {@link #stop()}, so {@link #start()} brings the same broker back.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Duration READY_WITHIN = Duration.ofSeconds(90);

    private final Path dir;
    private final int port;
    private final Path log;
    private Process process;

    private KafkaBroker(Path dir, int port) {
        this.dir = dir;
        this.port = port;
        this.log = dir.resolve("broker.log");
    }

    /** Formats a fresh broker in a temporary directory and starts it. */
    public static KafkaBroker started() {
        try {
            Path dir = Files.createTempDirectory("kafka-broker");
            int port = freePort();
            int controller = freePort();
            Files.writeString(
                    dir.resolve("server.properties"),
                    String.join(
                            "\n",
                            List.of(
                                    "process.roles=broker,controller",
                                    "node.id=1",
                                    "controller.quorum.voters=1@127.0.0.1:" + controller,
                                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                                    "controller.listener.names=CONTROLLER",
                                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                                    "inter.broker.listener.name=PLAINTEXT",
                                    "log.dirs=" + dir.resolve("data"),
                                    "num.partitions=3",
                                    "offsets.topic.replication.factor=1",
                                    "offsets.topic.num.partitions=1",
                                    "transaction.state.log.replication.factor=1",
                                    "transaction.state.log.min.isr=1",
                                    "share.coordinator.state.topic.replication.factor=1",
                                    "share.coordinator.state.topic.min.isr=1",
                                    "group.initial.rebalance.delay.ms=0",
                                    "auto.create.topics.enable=true")));
            KafkaBroker broker = new KafkaBroker(dir, port);
            broker.run(
                    "kafka.tools.StorageTool",
                    "format",
                    "-t",
                    Uuid.randomUuid().toString(),
                    "-c",
                    dir.resolve("server.properties").toString());
            broker.start();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker (again) and waits until it answers. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        process = java("kafka.Kafka", dir.resolve("server.properties").toString());
        try (Admin admin = admin()) {
            Awaitility.await("the Kafka broker answers (log: " + log + ")")
                    .atMost(READY_WITHIN)
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("the Kafka broker exited; see " + log);
                        }
                        return !admin.describeCluster()
                                .nodes()
                                .get(2, TimeUnit.SECONDS)
                                .isEmpty();
                    });
        }
    }

    /** Stops the broker as an outage would: at once (SIGKILL), without a controlled shutdown. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(process);
            process = null;
        }
    }

    /** Creates a topic unless it exists. */
    public void createTopic(String topic, int partitions) {
        try (Admin admin = admin()) {
            if (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Could not create topic " + topic, e);
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            waitFor(process);
            process = null;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is no failure of the test
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000));
    }

    private void run(String main, String... args) {
        Process tool = java(main, args);
        waitFor(tool);
        if (tool.exitValue() != 0) {
            throw new IllegalStateException(main + " failed; see " + log);
        }
    }

    private Process java(String main, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                main));
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void waitFor(Process process) {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
