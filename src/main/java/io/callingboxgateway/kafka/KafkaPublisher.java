package io.callingboxgateway.kafka;

import io.callingboxgateway.background.BackgroundThreads;
import io.callingboxgateway.background.RenewedLease;
import io.callingboxgateway.background.ReplicaIdentity;
import io.callingboxgateway.events.EventView;
import io.callingboxgateway.events.EventsNumbered;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Publishes every reconciled event to the Kafka topic, in event-id order, at least once
 * (docs/decisions/0067-kafka-publisher.md). Off unless {@code kafka.bootstrap.servers}
 * (KAFKA_BOOTSTRAP_SERVERS) is set; independent of polling.
 *
 * <p>One loop per replica. Without the {@link PublisherLease} it only tries to take it, at each idle
 * tick. Holding it, it reads the events after the stored position, sends them with an idempotent
 * producer, waits for the broker's acknowledgements and records the last event of the acknowledged
 * prefix, fenced by its term. What failed is sent again from the stored position with a new producer,
 * so only the unacknowledged tail can arrive twice, and per call (one key, one partition) in order.
 */
@ApplicationScoped
public class KafkaPublisher {

    private static final Logger LOG = Logger.getLogger(KafkaPublisher.class);
    /** The idempotent producer keeps order per partition only with at most this many requests in flight. */
    static final int MAX_IN_FLIGHT = 5;

    private static final Duration STOP_WAIT = Duration.ofSeconds(8);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

    private final KafkaConfig config;
    private final Map<String, Object> kafkaSettings;
    private final PublisherLease lease;
    private final PendingEvents pending;
    private final CloudEventRecords records;
    private final KafkaPublisherMetrics metrics;
    private final BackgroundThreads threads;
    private final String owner;
    private final Semaphore wake = new Semaphore(0);
    private volatile CountDownLatch stopping = new CountDownLatch(1);
    private ScheduledExecutorService timer;
    private ExecutorService worker;
    private final Object producerLock = new Object();
    private volatile Producer<String, byte[]> producer;
    private volatile Future<?> loop;
    private volatile long sent;

    @Inject
    KafkaPublisher(
            KafkaConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaSettings,
            PublisherLease lease,
            PendingEvents pending,
            CloudEventRecords records,
            KafkaPublisherMetrics metrics,
            BackgroundThreads threads,
            ReplicaIdentity replica) {
        this(config, kafkaSettings, lease, pending, records, metrics, threads, replica.id());
    }

    /** A publisher acting as replica {@code owner} (tests run a second one beside the bean). */
    KafkaPublisher(
            KafkaConfig config,
            Map<String, Object> kafkaSettings,
            PublisherLease lease,
            PendingEvents pending,
            CloudEventRecords records,
            KafkaPublisherMetrics metrics,
            BackgroundThreads threads,
            String owner) {
        this.config = config;
        this.kafkaSettings = Map.copyOf(kafkaSettings);
        this.lease = lease;
        this.pending = pending;
        this.records = records;
        this.metrics = metrics;
        this.threads = threads;
        this.owner = owner;
    }

    /** True when Quarkus's Kafka configuration names a broker. */
    public boolean configured() {
        Object servers = kafkaSettings.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
        return servers != null && !servers.toString().isBlank();
    }

    void onStart(@Observes StartupEvent event) {
        if (configured()) {
            start();
        } else {
            LOG.debug("Kafka publisher off: no kafka.bootstrap.servers (KAFKA_BOOTSTRAP_SERVERS)");
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Starts the loop; after {@link #stop()}, starts it again (as a restarted replica would). */
    synchronized void start() {
        if (loop == null) {
            LOG.infof("Kafka publisher on: topic %s, replica %s", config.topic(), owner);
            if (worker == null) {
                timer = threads.timer("kafka-lease-renewer");
                worker = threads.workers("kafka-publisher", 1);
            }
            stopping = new CountDownLatch(1);
            loop = worker.submit(() -> run(timer));
        }
    }

    /**
     * Ends the loop: a round in progress is cut short by closing the producer (what it had not got
     * acknowledged is sent again by the next publisher), then the lease is released so another replica
     * takes over at once.
     */
    synchronized void stop() {
        Future<?> running = loop;
        if (running == null) {
            return;
        }
        loop = null;
        stopping.countDown();
        wake.release();
        closeProducer(CLOSE_WAIT);
        try {
            running.get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warnf("The Kafka publisher still runs after %s; its lease is left to run out", STOP_WAIT);
            return;
        } catch (ExecutionException e) {
            LOG.warnf("The Kafka publisher ended with %s", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        lease.release(config.topic(), owner);
    }

    /** Events numbered on this replica: publish them now rather than at the next idle tick. */
    void numbered(@Observes EventsNumbered numbered) {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /**
     * Closes the current producer at once, as a crash of it would: records in flight fail, and the loop
     * goes on with a new producer from the stored position. Used by shutdown, and by tests.
     */
    void abortProducer() {
        closeProducer(Duration.ZERO);
    }

    /** Events this publisher got acknowledged since it started, counting re-sent ones again. */
    long sent() {
        return sent;
    }

    private void run(ScheduledExecutorService timer) {
        Duration backoff = config.idleInterval();
        while (!stopped()) {
            try {
                Optional<PublisherLease.Term> term = lease.tryAcquire(config.topic(), owner, config.lease());
                if (term.isEmpty()) {
                    metrics.lag(pending.lag(lease.publishedThrough(config.topic())));
                    idle();
                    continue;
                }
                PublisherLease.Term held = term.get();
                try (RenewedLease<PublisherLease.Term> kept = new RenewedLease<>(
                        "Kafka publisher",
                        owner,
                        held,
                        () -> lease.renew(held, config.lease()),
                        config.lease(),
                        timer)) {
                    publishWhileHeld(kept);
                }
                backoff = config.idleInterval();
            } catch (RuntimeException e) {
                metrics.error();
                closeProducer(Duration.ZERO);
                if (!stopped()) {
                    LOG.warnf("Publishing to Kafka failed (trying again in %s): %s", backoff, e.toString());
                    await(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(config.maxBackoff()) > 0
                            ? config.maxBackoff()
                            : backoff.multipliedBy(2);
                }
            }
        }
        closeProducer(CLOSE_WAIT);
    }

    private void publishWhileHeld(RenewedLease<PublisherLease.Term> kept) {
        OptionalLong position = lease.publishedThrough(config.topic());
        while (!stopped() && kept.held()) {
            PendingEvents.Batch batch = pending.after(position, config.batchSize());
            if (batch.skipped() > 0) {
                LOG.warnf(
                        "%d events were deleted by retention before they were published to Kafka; continuing after event %d",
                        batch.skipped(), batch.start());
                metrics.skipped(batch.skipped());
                position = OptionalLong.of(batch.start());
            }
            List<EventView> events = batch.events();
            if (events.isEmpty()) {
                metrics.lag(new PendingEvents.Lag(0, 0));
                idle();
                continue;
            }
            metrics.lag(new PendingEvents.Lag(batch.head() - batch.start(), secondsSince(events.get(0))));
            Round round = send(events);
            if (round.acknowledgedThrough() > batch.start()) {
                if (!lease.recordPublished(kept.term(), round.acknowledgedThrough())) {
                    kept.lost();
                    LOG.warnf("Replica %s lost the Kafka publisher lease; not recording its position", owner);
                    return;
                }
                position = OptionalLong.of(round.acknowledgedThrough());
                metrics.published(round.acknowledged());
                sent += round.acknowledged();
                metrics.lag(new PendingEvents.Lag(batch.head() - round.acknowledgedThrough(), 0));
            }
            if (round.failure() != null) {
                throw new PublishFailed(round.failure());
            }
        }
    }

    /** What one round got acknowledged: every event up to {@code acknowledgedThrough}, and why it stopped. */
    private record Round(long acknowledgedThrough, int acknowledged, Throwable failure) {}

    /**
     * Sends the events, waits for the broker, and tells how long a prefix of them it acknowledged.
     *
     * <p>At the first failed record the producer is closed at once (from its callback), so nothing
     * sent after it can be written: a later send would start a new sequence for its partition and could
     * land before the failed record is sent again, breaking the order per call. Records already in
     * flight are safe: the broker writes a partition's batches only in sequence.
     */
    private Round send(List<EventView> events) {
        Producer<String, byte[]> current = producer();
        List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
        AtomicReference<Exception> failed = new AtomicReference<>();
        Throwable failure = null;
        try {
            for (EventView event : events) {
                if (failed.get() != null) {
                    break;
                }
                acks.add(current.send(records.record(config.topic(), event), (metadata, error) -> {
                    if (error != null && failed.compareAndSet(null, error)) {
                        current.close(Duration.ZERO);
                    }
                }));
            }
            current.flush();
        } catch (RuntimeException e) {
            failure = e;
        }
        long through = -1;
        int acknowledged = 0;
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get();
            } catch (ExecutionException e) {
                failure = e.getCause();
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = e;
                break;
            }
            through = events.get(i).id();
            acknowledged++;
        }
        if (failure == null && failed.get() != null) {
            failure = failed.get();
        }
        if (failure == null && acknowledged < events.size()) {
            failure = new IllegalStateException("the round ended before every event was sent");
        }
        return new Round(through, acknowledged, failure);
    }

    private Producer<String, byte[]> producer() {
        synchronized (producerLock) {
            if (producer == null) {
                producer = new KafkaProducer<>(
                        producerSettings(kafkaSettings, owner), new StringSerializer(), new ByteArraySerializer());
            }
            return producer;
        }
    }

    /**
     * Quarkus's Kafka configuration, with what the publisher's guarantees need on top: an idempotent
     * producer (acknowledged by all in-sync replicas, at most {@value #MAX_IN_FLIGHT} requests in flight,
     * so a retried batch can neither duplicate nor overtake another).
     */
    static Map<String, Object> producerSettings(Map<String, Object> configured, String owner) {
        Map<String, Object> settings = new HashMap<>(configured);
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        Object acks = settings.put(ProducerConfig.ACKS_CONFIG, "all");
        if (acks != null && !"all".equals(acks.toString()) && !"-1".equals(acks.toString())) {
            LOG.warnf("kafka.acks=%s ignored: the publisher's idempotent producer needs acks=all", acks);
        }
        int inFlight = Optional.ofNullable(settings.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION))
                .map(value -> Integer.parseInt(value.toString()))
                .orElse(MAX_IN_FLIGHT);
        settings.put(
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                Integer.toString(Math.min(inFlight, MAX_IN_FLIGHT)));
        settings.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "callingbox-gateway-" + owner);
        // the loop sends, then waits for the whole round: a short linger lets a burst share requests
        settings.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "1");
        return settings;
    }

    private void closeProducer(Duration wait) {
        Producer<String, byte[]> closing;
        synchronized (producerLock) {
            closing = producer;
            producer = null;
        }
        if (closing != null) {
            try {
                closing.close(wait);
            } catch (RuntimeException e) {
                LOG.debugf("Closing the Kafka producer: %s", e.toString());
            }
        }
    }

    private static double secondsSince(EventView event) {
        return Math.max(0, (System.currentTimeMillis() - event.occurredAt().toEpochMilli()) / 1000.0);
    }

    private boolean stopped() {
        return stopping.getCount() == 0;
    }

    /** Until events are numbered here, the idle interval passes, or the publisher stops. */
    private void idle() {
        try {
            if (wake.tryAcquire(config.idleInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                wake.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.countDown();
        }
    }

    private void await(Duration backoff) {
        try {
            stopping.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.countDown();
        }
    }

    /** A round ended before the broker acknowledged every event of it. */
    static final class PublishFailed extends RuntimeException {
        PublishFailed(Throwable cause) {
            super(cause.toString(), cause);
        }
    }
}
