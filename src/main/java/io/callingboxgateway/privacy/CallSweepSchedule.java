package io.callingboxgateway.privacy;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** When this replica sweeps calls (CallSweep): every {@code gateway.calls.sweep-every}, or never if off. */
@ApplicationScoped
class CallSweepSchedule {

    private final CallSweep sweep;

    CallSweepSchedule(CallSweep sweep) {
        this.sweep = sweep;
    }

    @Scheduled(every = "${gateway.calls.sweep-every:10m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        sweep.run(Instant.now());
    }
}
