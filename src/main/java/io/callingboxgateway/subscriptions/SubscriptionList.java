package io.callingboxgateway.subscriptions;

import java.util.List;

/**
 * One page of subscriptions, oldest first.
 *
 * @param nextCursor the {@code after} of the next page, or null on the last page
 */
public record SubscriptionList(List<SubscriptionView> data, boolean hasMore, String nextCursor) {}
