package io.callingboxgateway.subscriptions;

/**
 * Fired by every API edit of a subscription (created, changed, moved, given a replay); {@code enabled}
 * says whether it may now be delivered to. Delivery on this replica observes it after commit and looks
 * at once instead of at its next housekeeping; other replicas notice at their own next look.
 */
public record SubscriptionEdited(boolean enabled) {}
