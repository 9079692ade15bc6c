import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * P4 Kafka (bench/kafka.sh): signed webhooks at a constant rate, each a new call, and a consumer of
 * the gateway's topic; prints, per round, the time from "webhook answered 2xx" to "its call.created
 * record readable on Kafka" (the consumer's poll returned it), p50 and p99, after one warm-up round
 * that is printed but not counted. Loopback only.
 *
 * <pre>
 * java -cp KAFKA_CLASSPATH bench/kafka/KafkaLatency.java BASE_URL SECRET BOOTSTRAP TOPIC SECONDS RATE ROUNDS
 * </pre>
 *
 * A record that never arrived counts as arriving when the wait gave up (10 s after the last answer),
 * so a path that loses events cannot look fast.
 */
public class KafkaLatency {

    private static final int GRACE_SECONDS = 10;

    public static void main(String[] args) throws Exception {
        String base = args[0];
        byte[] key = args[1].getBytes(StandardCharsets.UTF_8);
        String bootstrap = args[2];
        String topic = args[3];
        int seconds = Integer.parseInt(args[4]);
        int rate = Integer.parseInt(args[5]);
        int rounds = Integer.parseInt(args[6]);
        createTopic(bootstrap, topic);

        Map<String, Long> arrivedAt = new ConcurrentHashMap<>();
        AtomicBoolean consuming = new AtomicBoolean(true);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", bootstrap), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end now, before the first webhook
        Thread follower = new Thread(() -> {
            while (consuming.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    Header type = record.headers().lastHeader("ce_type");
                    if (type != null && "io.callingbox.call.created".equals(new String(type.value(), StandardCharsets.UTF_8))) {
                        arrivedAt.putIfAbsent(record.key(), now);
                    }
                }
            }
            consumer.close();
        });
        follower.start();

        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        // round 0 is a warm-up (connections, metadata, JIT on both sides), printed but not a measurement
        for (int round = 0; round <= rounds; round++) {
            Map<String, Long> answeredAt = new ConcurrentHashMap<>();
            ExecutorService senders = Executors.newFixedThreadPool(8);
            long interval = TimeUnit.SECONDS.toNanos(1) / rate;
            long start = System.nanoTime();
            for (int i = 0; i < seconds * rate; i++) {
                long wait = start + i * interval - System.nanoTime();
                if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
                senders.submit(() -> {
                    UUID call = UUID.randomUUID();
                    if (send(http, base, key, call) / 100 == 2) answeredAt.put(call.toString(), System.nanoTime());
                    return null;
                });
            }
            senders.shutdown();
            senders.awaitTermination(seconds + 60L, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
            while (!arrivedAt.keySet().containsAll(answeredAt.keySet()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long waitEnd = System.nanoTime();
            List<Long> latencies = new ArrayList<>();
            answeredAt.forEach((id, answered) -> latencies.add(Math.max(0, arrivedAt.getOrDefault(id, waitEnd) - answered)));
            long missing = answeredAt.keySet().stream().filter(id -> !arrivedAt.containsKey(id)).count();
            System.out.printf(
                    (round == 0 ? "warm-up" : "kafka") + ": round %d, %d webhooks at %d/s answered, answered->kafka p50 %.2f ms, p99 %.2f ms, max %.2f ms, missing %d%n",
                    round, answeredAt.size(), rate, percentile(latencies, 50), percentile(latencies, 99),
                    percentile(latencies, 100), missing);
        }
        consuming.set(false);
        follower.join(5000);
    }

    private static void createTopic(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (true) {
                try {
                    if (!admin.listTopics().names().get(5, TimeUnit.SECONDS).contains(topic)) {
                        admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
                    }
                    return;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) throw e;
                    Thread.sleep(500); // the broker is still starting
                }
            }
        }
    }

    private static int send(HttpClient http, String base, byte[] key, UUID call) throws Exception {
        String now = Instant.now().toString();
        String body = """
                {"id":"%s","type":"call.queued","created":%d,"api_version":"2026-04","data":{"call":{
                "id":"%s","agent_id":"9d3b7c1e-2f4a-4b5c-8d6e-7f8091a2b3c4","to_number":"+15550100%03d",
                "from_number":"+15550199000","status":"queued","direction":"outbound","result_status":"pending",
                "webhook_status":"pending","reservation_status":"reserved","language":"en",
                "metadata":{"bench":true},"context":{},"created_at":"%s","updated_at":"%s"}}}"""
                .formatted(UUID.randomUUID(), Instant.now().getEpochSecond(), call,
                        Math.abs(call.hashCode() % 1000), now, now);
        long t = Instant.now().getEpochSecond();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String signature = HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/webhooks/callingbox"))
                .header("Content-Type", "application/json")
                .header("CallingBox-Signature", "t=" + t + ",v1=" + signature)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static double percentile(List<Long> nanos, int p) {
        if (nanos.isEmpty()) return Double.NaN;
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1))) / 1_000_000.0;
    }
}
