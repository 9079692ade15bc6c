package io.callingboxgateway.webhook;

import io.callingboxgateway.background.BackgroundThreads;
import io.callingboxgateway.database.DatabaseOutage;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Lets concurrent webhooks share one transaction and one flush to disk
 * (docs/decisions/0068-webhook-group-commit.md). A request thread queues its verified webhook and waits
 * for the answer; each committer thread takes whatever is waiting, up to
 * {@code gateway.webhooks.group-commit.max-batch}, without waiting for more, and stores it in one
 * transaction. A request is answered 2xx only once that transaction has committed.
 *
 * <p>A batch that fails is rolled back and each of its webhooks is tried again alone, so a webhook
 * PostgreSQL refuses (400), or whose call stays locked past the lock timeout (503), gets its own answer
 * and its neighbours are stored. Only a database that cannot be reached fails the whole batch (503):
 * trying each webhook against it would only make every one wait longer for the same answer.
 */
@ApplicationScoped
public class GroupCommit {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    /** How often an idle committer looks whether the gateway is shutting down. */
    private static final long IDLE_LOOK_MS = 100;

    private final WebhookService service;
    private final GroupCommitConfig config;
    private final BackgroundThreads threads;
    private final BlockingQueue<QueuedWebhook> queue;
    private final DistributionSummary batchSizes;
    private final CountDownLatch committersEnded;
    private volatile boolean closed;

    GroupCommit(WebhookService service, GroupCommitConfig config, BackgroundThreads threads, MeterRegistry registry) {
        this.service = service;
        this.config = config;
        this.threads = threads;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.committersEnded = new CountDownLatch(config.committers());
        this.batchSizes = DistributionSummary.builder("gateway.webhooks.group.commit.batch")
                .description("Webhooks stored per transaction")
                .register(registry);
        Gauge.builder("gateway.webhooks.group.commit.waiting", queue, BlockingQueue::size)
                .description("Verified webhooks waiting for a committer")
                .register(registry);
    }

    void start(@Observes StartupEvent event) {
        ExecutorService committers = threads.workers("webhook-commit", config.committers());
        for (int i = 0; i < config.committers(); i++) {
            committers.execute(this::commitUntilClosed);
        }
    }

    /**
     * Stops taking webhooks and lets the committers store what is already queued (the requests that
     * queued it are still waiting for their answers) before the background threads are ended.
     */
    void stop(@Observes ShutdownEvent event) {
        closed = true;
        try {
            if (!committersEnded.await(config.maxWait().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("Webhook committers still busy at shutdown; %d webhook(s) left queued", queue.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stores one webhook with whatever else is waiting and returns its answer once committed.
     *
     * @throws WebhookProblems.StoreBusy when the queue is full, the gateway is stopping, or the commit
     *     did not come within {@code max-wait}
     * @throws RuntimeException the failure that kept this webhook out of the database
     */
    WebhookAck store(WebhookEnvelope envelope) {
        QueuedWebhook webhook = QueuedWebhook.of(envelope);
        if (closed || !queue.offer(webhook)) {
            throw new WebhookProblems.StoreBusy(closed ? "shutting down" : "queue full");
        }
        if (closed && queue.remove(webhook)) {
            throw new WebhookProblems.StoreBusy("shutting down"); // queued after the committers' last look
        }
        try {
            return webhook.answer().get(config.maxWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            // still queued: withdrawn, so certainly not stored; already taken: it may commit later, and
            // the redelivery that this 503 asks for is then recognised as a duplicate
            boolean withdrawn = queue.remove(webhook);
            throw new WebhookProblems.StoreBusy(withdrawn ? "not taken in time" : "not committed in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            queue.remove(webhook);
            throw new WebhookProblems.StoreBusy("interrupted");
        }
    }

    private void commitUntilClosed() {
        List<QueuedWebhook> batch = new ArrayList<>(config.maxBatch());
        try {
            while (true) {
                QueuedWebhook first = queue.poll(IDLE_LOOK_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closed) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, config.maxBatch() - 1);
                batchSizes.record(batch.size());
                commit(batch);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            committersEnded.countDown();
        }
    }

    private void commit(List<QueuedWebhook> batch) {
        Throwable failure = attempt(batch);
        if (failure == null) {
            return;
        }
        if (batch.size() == 1 || unreachable(failure)) {
            batch.forEach(webhook -> webhook.answer().completeExceptionally(failure));
            return;
        }
        LOG.debugf("A batch of %d webhooks failed (%s); trying each alone", batch.size(), failure);
        for (int i = 0; i < batch.size(); i++) {
            Throwable alone = attempt(List.of(batch.get(i)));
            if (alone != null) {
                batch.get(i).answer().completeExceptionally(alone);
                if (unreachable(alone)) {
                    batch.subList(i + 1, batch.size())
                            .forEach(rest -> rest.answer().completeExceptionally(alone));
                    return;
                }
            }
        }
    }

    /**
     * Whether the failure says nothing about the webhooks themselves: no connection, the server going
     * away or refusing sessions, or a commit whose outcome is unknown. A statement's own SQL state (a
     * value refused, a lock or statement timeout, a deadlock) may be one webhook's doing.
     */
    static boolean unreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                return state.startsWith("08") || state.startsWith("57P") || state.equals("53300");
            }
        }
        return DatabaseOutage.isCauseOf(failure); // no SQL state: the pool, the driver or the commit
    }

    /** @return null when the batch committed and every webhook in it has its answer */
    private Throwable attempt(List<QueuedWebhook> batch) {
        List<WebhookAck> acks;
        try {
            acks = service.applyAll(batch);
        } catch (RuntimeException | Error e) {
            return e;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).answer().complete(acks.get(i));
        }
        return null;
    }
}
