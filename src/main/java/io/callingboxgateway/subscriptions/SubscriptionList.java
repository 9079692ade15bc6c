package io.callingboxgateway.subscriptions;

import java.util.List;

/** All subscriptions, oldest first. */
public record SubscriptionList(List<SubscriptionView> data) {}
