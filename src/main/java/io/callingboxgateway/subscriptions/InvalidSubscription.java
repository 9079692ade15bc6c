package io.callingboxgateway.subscriptions;

/**
 * A subscription body the service refuses: which field is wrong and why, in words fit for the caller.
 * {@link SubscriptionProblems} answers it with 400.
 */
public final class InvalidSubscription extends RuntimeException {

    private final String field;

    InvalidSubscription(String field, String detail) {
        super(detail, null, false, false);
        this.field = field;
    }

    /** The request body's field at fault, as the caller spells it. */
    public String field() {
        return field;
    }
}
