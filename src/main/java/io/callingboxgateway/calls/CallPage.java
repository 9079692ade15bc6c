package io.callingboxgateway.calls;

import io.callingboxgateway.model.CallView;
import java.util.List;

/** One page of {@code GET /calls}; {@code next_cursor} is null on the last page. */
public record CallPage(List<CallView> data, boolean hasMore, String nextCursor) {

    /** This page as a reader without {@code pii:read} sees it. */
    public CallPage masked() {
        return new CallPage(data.stream().map(CallView::masked).toList(), hasMore, nextCursor);
    }
}
