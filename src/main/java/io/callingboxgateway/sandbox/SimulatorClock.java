package io.callingboxgateway.sandbox;

import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The simulator's sense of time. Timestamps are real (the gateway must see fresh {@code updated_at}
 * values and valid signature times), but waits inside the simulation, such as a call ringing or the
 * hours between webhook retries, are divided by the time scale, so a test can run two days of
 * retries in a second.
 */
@ApplicationScoped
@IfBuildProfile(anyOf = {"dev", "test"})
public class SimulatorClock {

    private static final Logger LOG = Logger.getLogger(SimulatorClock.class);

    private final ScheduledThreadPoolExecutor executor;
    private volatile double scale;

    SimulatorClock(SandboxConfig config) {
        scale(config.timeScale());
        AtomicInteger threads = new AtomicInteger();
        executor = new ScheduledThreadPoolExecutor(2, task -> {
            Thread thread = new Thread(task, "sandbox-simulator-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    public double scale() {
        return scale;
    }

    /** Changes how much faster than real time the simulation runs; waits already scheduled keep their time. */
    public void scale(double timeScale) {
        if (!(timeScale >= 1 && timeScale <= 10_000_000)) {
            throw new IllegalArgumentException("sandbox.time-scale must be from 1 to 10000000, was " + timeScale);
        }
        this.scale = timeScale;
    }

    /** Now, at the microsecond precision CallingBox (and PostgreSQL) keep. */
    Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /** The real time a simulated wait takes at the current scale. */
    Duration real(Duration simulated) {
        return Duration.ofNanos(Math.round(simulated.toNanos() / scale));
    }

    void afterSimulated(Duration simulated, Runnable task) {
        afterReal(real(simulated), task);
    }

    void afterReal(Duration real, Runnable task) {
        if (executor.isShutdown()) {
            return;
        }
        executor.schedule(() -> run(task), Math.max(0, real.toNanos()), TimeUnit.NANOSECONDS);
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("Sandbox simulator task failed", e);
        }
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
