package io.callingboxgateway.subscriptions;

/**
 * Fired when an API edit leaves a subscription enabled with something to deliver (created, enabled,
 * moved back, given a replay), so that delivery on this replica looks at once instead of at its next
 * housekeeping. Observed after commit; other replicas notice at their own next look.
 */
public record SubscriptionEdited(boolean enabled) {}
