package io.callingboxgateway.subscriptions.delivery;

import io.callingboxgateway.subscriptions.CheckedUrl;
import io.callingboxgateway.subscriptions.SubscriberUrlPolicy;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A subscriber URL as the policy last judged it, shared by the pushes of one run (the events of one
 * page, sent back to back). Judging means resolving the host; doing it once per run instead of once
 * per event takes that cost off every push but the first, while each push still connects to an
 * address of an answer the policy judged (never to a second lookup). A judgement is reused for at
 * most {@link #FRESH_FOR}, so a slow subscriber's run still sees a re-pointed name as soon as the
 * per-event check used to; a refusal is never reused: it ends the run.
 */
final class Destination {

    /**
     * Well below the JDK's own 30 s cache of a resolved name, so reusing the judgement changes nothing
     * a lookup would have seen; long enough to cover a page of pushes to a healthy subscriber.
     */
    static final Duration FRESH_FOR = Duration.ofSeconds(1);

    private final String url;
    private final SubscriberUrlPolicy policy;
    private final LongSupplier nanoTime;
    private CheckedUrl checked;
    private long checkedAt;

    Destination(String url, SubscriberUrlPolicy policy) {
        this(url, policy, System::nanoTime);
    }

    /** @param nanoTime the monotonic clock judgements age by (tests move it by hand) */
    Destination(String url, SubscriberUrlPolicy policy, LongSupplier nanoTime) {
        this.url = url;
        this.policy = policy;
        this.nanoTime = nanoTime;
    }

    /** The URL as judged at most {@link #FRESH_FOR} ago, judged again when older. */
    CheckedUrl checked() throws SubscriberUrlPolicy.Refused {
        long now = nanoTime.getAsLong();
        if (checked == null || now - checkedAt > FRESH_FOR.toNanos()) {
            checked = null;
            checked = policy.check(url);
            checkedAt = now;
        }
        return checked;
    }
}
