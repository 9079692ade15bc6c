package io.callingboxgateway.subscriptions;

/**
 * Creating one more subscription would exceed {@code gateway.subscriptions.max}; {@link SubscriptionProblems}
 * answers it with 409.
 */
public final class SubscriptionLimitReached extends RuntimeException {

    private final long count;
    private final int max;

    SubscriptionLimitReached(long count, int max) {
        super("%d subscriptions exist, the most allowed is %d".formatted(count, max), null, false, false);
        this.count = count;
        this.max = max;
    }

    public long count() {
        return count;
    }

    public int max() {
        return max;
    }
}
