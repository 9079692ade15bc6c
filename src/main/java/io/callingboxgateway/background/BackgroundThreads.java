package io.callingboxgateway.background;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the gateway's own threads come from. Periodic work on a clock of seconds or more runs on the
 * Quarkus scheduler ({@code @Scheduled}, or {@code Scheduler.newJob} when the interval is configured at
 * run time and may be "off"). Everything else asks this bean: a {@link #timer} for short tasks on a
 * clock finer than the scheduler's (lease renewals, delivery ticks), {@link #workers} for tasks that
 * block (storing a scan, posting to subscribers). Their threads are named after their work and are
 * daemons; each feature stops its own work on {@link ShutdownEvent} (finishing what must finish), and
 * this bean ends whatever is left after every such observer has run.
 */
@ApplicationScoped
public class BackgroundThreads {

    /** Idle worker threads end after this, so a pool sized for a burst costs nothing while quiet. */
    private static final long IDLE_SECONDS = 60;

    private final List<ExecutorService> made = new CopyOnWriteArrayList<>();

    /** One thread named {@code name} for short tasks on a clock; a task that blocks delays the others. */
    public ScheduledExecutorService timer(String name) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, named(name, false));
        // cancelled renewals must not pile up in the queue until their time would have come
        timer.setRemoveOnCancelPolicy(true);
        made.add(timer);
        return timer;
    }

    /** Up to {@code threads} threads named {@code name-1}, {@code name-2}, ... for blocking tasks. */
    public ExecutorService workers(String name, int threads) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                threads, threads, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), named(name, true));
        pool.allowCoreThreadTimeOut(true);
        made.add(pool);
        return pool;
    }

    /** Runs after the features' own shutdown observers (the default priority), so they drain first. */
    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) ShutdownEvent event) {
        made.forEach(ExecutorService::shutdownNow);
    }

    private static ThreadFactory named(String name, boolean numbered) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, numbered ? name + "-" + count.incrementAndGet() : name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
