package io.callingboxgateway.webhook;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Forgets webhook ids once CallingBox can no longer redeliver them, in small transactions so a large
 * backlog never holds locks for long. Safe on every replica at once: each skips rows another is deleting.
 */
@ApplicationScoped
public class WebhookReceiptCleanup {

    private static final Logger LOG = Logger.getLogger(WebhookReceiptCleanup.class);

    private final WebhookService service;
    private final Duration retention;
    private final int batchSize;

    WebhookReceiptCleanup(WebhookService service, WebhookConfig config) {
        this.service = service;
        this.retention = config.dedupRetention();
        this.batchSize = config.dedupCleanupBatchSize();
    }

    @Scheduled(
            identity = "webhook-receipt-cleanup",
            every = "${callingbox.webhook.dedup-cleanup-every}",
            delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        purgeExpired();
    }

    /**
     * @return how many receipts older than the retention were deleted, judged by the database clock so
     *     replicas with skewed clocks agree
     */
    public int purgeExpired() {
        int total = 0;
        int deleted;
        do {
            deleted = service.purgeReceipts(retention, batchSize);
            total += deleted;
        } while (deleted == batchSize);
        if (total > 0) {
            LOG.debugf("Deleted %d webhook receipts older than %s", total, retention);
        }
        return total;
    }
}
