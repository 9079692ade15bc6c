package io.callingboxgateway.upstream.poll;

import io.callingboxgateway.upstream.CallingBoxClient;
import io.callingboxgateway.upstream.CallingBoxConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Starts the poll trigger at boot, unless there is no API key or CALLINGBOX_POLL_INTERVAL is 0/off.
 * Scheduled programmatically because {@code @Scheduled(every = ...)} has no spelling for "never" that
 * also accepts 0. Booting also checks the API key: a key that cannot be a CallingBox key stops startup.
 */
@ApplicationScoped
public class PollScheduler {

    private static final Logger LOG = Logger.getLogger(PollScheduler.class);
    private static final String JOB = "callingbox-poll";

    private final CallingBoxClient client;
    private final Poller poller;
    private final Scheduler scheduler;
    private final CallingBoxConfig upstream;
    private final PollerConfig config;
    private volatile boolean scheduled;

    PollScheduler(
            CallingBoxClient client,
            Poller poller,
            Scheduler scheduler,
            CallingBoxConfig upstream,
            PollerConfig config) {
        this.client = client;
        this.poller = poller;
        this.scheduler = scheduler;
        this.upstream = upstream;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        Optional<Duration> interval = config.interval().every();
        if (!client.configured()) {
            LOG.warn("CALLINGBOX_API_KEY is not set: the CallingBox poller is off and POST /calls/{id}/refresh"
                    + " answers 503. Webhooks and reads work as usual.");
            return;
        }
        if (interval.isEmpty()) {
            LOG.infof("CALLINGBOX_POLL_INTERVAL is %s: this replica does not poll CallingBox", config.interval());
            return;
        }
        scheduler
                .newJob(JOB)
                .setInterval(interval.get().toMillis() + "ms")
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> poller.pollOnce())
                .schedule();
        scheduled = true;
        LOG.infof(
                "Polling CallingBox at %s every %s as replica %s (key %s)",
                upstream.baseUrl(),
                config.interval(),
                poller.replicaId(),
                client.maskedKey().orElse("?"));
    }

    void stop(@Observes ShutdownEvent event) {
        if (scheduled) {
            // No new poll may start while the application's persistence is shutting down.
            scheduler.unscheduleJob(JOB);
            try {
                poller.release();
            } catch (RuntimeException e) {
                LOG.debugf("Could not release the poller lease: %s", e.getMessage());
            }
        }
    }

    public boolean polling() {
        return scheduled;
    }
}
