package io.callingboxgateway.privacy;

import io.callingboxgateway.model.CallSnapshot;
import java.time.Instant;

/**
 * What "older than" means for retention and redaction: the time of a call's last change, as CallingBox
 * dates it ({@code updated_at}, or {@code created_at} when it sent none). Upstream dates, not the time
 * the gateway heard of the call, so a call brought back late by a poll is as old as it is, and a sweep
 * and the intake rule agree on any call. {@link #SQL} is the same rule over the {@code call} table.
 */
final class CallAge {

    /** True for a stored call whose last change is before {@code :cutoff}; uses call_updated_idx. */
    static final String SQL = "(updated_at < :cutoff or (updated_at is null and created_at < :cutoff))";

    private CallAge() {}

    static Instant lastChange(CallSnapshot call) {
        return call.updatedAt() != null ? call.updatedAt() : call.createdAt();
    }

    static boolean before(CallSnapshot call, Instant cutoff) {
        Instant changed = lastChange(call);
        return changed != null && changed.isBefore(cutoff);
    }
}
