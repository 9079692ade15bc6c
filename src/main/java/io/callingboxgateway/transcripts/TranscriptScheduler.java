package io.callingboxgateway.transcripts;

import io.callingboxgateway.upstream.CallingBoxClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Starts the transcript fetches at boot (the Quarkus scheduler, ADR 0062), unless CALLINGBOX_TRANSCRIPTS
 * is off or there is no API key. Every replica runs it: the schedule's claims (TranscriptSchedule) keep
 * two replicas from fetching the same transcript, so no lease is needed.
 */
@ApplicationScoped
class TranscriptScheduler {

    private static final Logger LOG = Logger.getLogger(TranscriptScheduler.class);
    private static final String JOB = "callingbox-transcripts";

    private final TranscriptFetcher fetcher;
    private final CallingBoxClient client;
    private final Scheduler scheduler;
    private final TranscriptsConfig config;
    private volatile boolean scheduled;

    TranscriptScheduler(
            TranscriptFetcher fetcher, CallingBoxClient client, Scheduler scheduler, TranscriptsConfig config) {
        this.fetcher = fetcher;
        this.client = client;
        this.scheduler = scheduler;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        if (!fetcher.enabled()) {
            LOG.infof(
                    "Transcripts are not fetched: %s",
                    client.configured() ? "CALLINGBOX_TRANSCRIPTS is off" : "CALLINGBOX_API_KEY is not set");
            return;
        }
        String every = config.interval().toMillis() + "ms";
        scheduler
                .newJob(JOB)
                .setInterval(every)
                .setDelayed(every)
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> run())
                .schedule();
        scheduled = true;
    }

    void stop(@Observes ShutdownEvent event) {
        if (scheduled) {
            scheduler.unscheduleJob(JOB);
        }
    }

    private void run() {
        try {
            fetcher.fetchDue(Instant.now());
        } catch (RuntimeException e) {
            LOG.warnf("Transcript fetches failed: %s", e.getMessage());
        }
    }
}
