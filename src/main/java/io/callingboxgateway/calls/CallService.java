package io.callingboxgateway.calls;

import io.callingboxgateway.reconcile.Call;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads of the reconciled call store. Writes belong to reconciliation alone. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class CallService {

    @Inject
    CursorKey cursorKey;

    public Optional<Call> find(UUID id) {
        return Call.findByIdOptional(id);
    }

    /**
     * A keyset page, newest first by (created_at, id). The cursor is a row-value comparison against
     * the index order, so page 10,000 costs one index seek like page 1, and calls inserted while a
     * client pages can neither repeat nor shift a page.
     */
    public CallPage page(CallFilter filter, CallCursor after, int limit) {
        List<String> where = new ArrayList<>();
        Parameters params = new Parameters();
        if (!filter.statuses().isEmpty()) {
            where.add("upstream.status in :statuses");
            params.and("statuses", filter.statuses());
        }
        equal(where, params, "direction", filter.direction());
        equal(where, params, "resultStatus", filter.resultStatus());
        equal(where, params, "webhookStatus", filter.webhookStatus());
        equal(where, params, "agentId", filter.agentId());
        equal(where, params, "toNumber", filter.toNumber());
        equal(where, params, "fromNumber", filter.fromNumber());
        if (filter.createdAfter() != null) {
            where.add("upstream.createdAt > :createdAfter");
            params.and("createdAfter", filter.createdAfter());
        }
        if (filter.createdBefore() != null) {
            where.add("upstream.createdAt < :createdBefore");
            params.and("createdBefore", filter.createdBefore());
        }
        if (filter.updatedSince() != null) {
            where.add("upstream.updatedAt >= :updatedSince");
            params.and("updatedSince", filter.updatedSince());
        }
        if (after != null) {
            where.add("(upstream.createdAt, id) < (:afterCreatedAt, :afterId)");
            params.and("afterCreatedAt", after.createdAt()).and("afterId", after.id());
        }
        String query = (where.isEmpty() ? "" : "where " + String.join(" and ", where))
                + " order by upstream.createdAt desc, id desc";
        List<Call> rows = Call.<Call>find(query, params).range(0, limit).list();
        boolean hasMore = rows.size() > limit;
        List<Call> page = hasMore ? rows.subList(0, limit) : rows;
        String next = hasMore ? CallCursor.after(page.get(limit - 1)).encode(filter, cursorKey) : null;
        return new CallPage(page.stream().map(Call::view).toList(), hasMore, next);
    }

    private static void equal(List<String> where, Parameters params, String field, Object value) {
        if (value != null) {
            where.add("upstream." + field + " = :" + field);
            params.and(field, value);
        }
    }
}
