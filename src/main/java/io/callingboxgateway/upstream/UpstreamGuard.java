package io.callingboxgateway.upstream;

import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.Guard;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The fault-tolerance policy around every CallingBox request: retries with jittered exponential backoff
 * on upstream faults (honouring Retry-After up to a cap), one circuit breaker for the whole upstream,
 * and a timeout per attempt. {@link CallingBoxClient} turns failures into {@link UpstreamException}s
 * first, so this policy judges kinds, not exception classes of the HTTP stack.
 */
final class UpstreamGuard {

    private static final Logger LOG = Logger.getLogger(UpstreamGuard.class);

    private UpstreamGuard() {}

    static Guard build(CallingBoxConfig config, Runnable onRetry) {
        CallingBoxConfig.Retry retry = config.retry();
        CallingBoxConfig.Breaker breaker = config.breaker();
        return Guard.create()
                .withDescription(CallingBoxClient.BREAKER)
                .withRetry()
                .maxRetries(retry.maxRetries())
                .delay(retry.delay().toMillis(), ChronoUnit.MILLIS)
                .maxDuration(
                        retry.maxDelay()
                                .plus(retry.maxRetryAfter())
                                .plus(config.requestTimeout())
                                .multipliedBy(retry.maxRetries() + 1L)
                                .toMillis(),
                        ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .whenException(e -> retryable(e, retry.maxRetryAfter()))
                .withCustomBackoff()
                .strategy(() -> new Backoff(retry.maxDelay()))
                .done()
                .onRetry(onRetry)
                .done()
                .withCircuitBreaker()
                .name(CallingBoxClient.BREAKER)
                .requestVolumeThreshold(breaker.requestVolume())
                .failureRatio(breaker.failureRatio())
                .delay(breaker.delay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(1)
                .when(UpstreamGuard::upstreamFault)
                .onStateChange(state -> LOG.infof("CallingBox circuit breaker is now %s", state))
                .done()
                .withTimeout()
                .duration(config.requestTimeout().toMillis(), ChronoUnit.MILLIS)
                .done()
                .build();
    }

    private static boolean retryable(Throwable e, Duration maxRetryAfter) {
        if (e instanceof TimeoutException) {
            return true;
        }
        if (e instanceof UpstreamException upstream && upstream.kind().upstreamFault) {
            return upstream.retryAfter() == null || upstream.retryAfter().compareTo(maxRetryAfter) <= 0;
        }
        return false;
    }

    private static boolean upstreamFault(Throwable e) {
        return e instanceof TimeoutException
                || e instanceof UpstreamException upstream && upstream.kind().upstreamFault;
    }

    /**
     * Exponential backoff with "equal jitter" (half fixed, half random), so replicas that failed
     * together do not retry together; a 429's Retry-After is a floor, never shortened by jitter.
     */
    static final class Backoff implements CustomBackoffStrategy {

        private final long maxDelayMillis;
        private long nextBaseMillis;

        Backoff(Duration maxDelay) {
            this.maxDelayMillis = maxDelay.toMillis();
        }

        @Override
        public void init(long initialDelayInMillis) {
            nextBaseMillis = Math.max(1, initialDelayInMillis);
        }

        @Override
        public long nextDelayInMillis(Throwable cause) {
            long base = Math.min(nextBaseMillis, maxDelayMillis);
            nextBaseMillis = Math.min(nextBaseMillis * 2, maxDelayMillis);
            long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
            if (cause instanceof UpstreamException upstream && upstream.retryAfter() != null) {
                delay = Math.max(delay, upstream.retryAfter().toMillis());
            }
            return delay;
        }
    }
}
