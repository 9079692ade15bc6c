package io.callingboxgateway.privacy.erasure;

import java.util.List;

/**
 * One page of erasure audit records, newest first.
 *
 * @param nextCursor the {@code after} of the next page, or null on the last page
 */
public record ErasureList(List<ErasureView> data, boolean hasMore, String nextCursor) {}
