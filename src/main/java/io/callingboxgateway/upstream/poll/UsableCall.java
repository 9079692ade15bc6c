package io.callingboxgateway.upstream.poll;

import io.callingboxgateway.model.CallSnapshot;

/**
 * The one check the poll path makes of a call CallingBox answered, listed or re-read, before the
 * reconciler sees it: a call missing a field every call has, or holding a value PostgreSQL refuses
 * (a NUL character, a date beyond timestamptz), is set aside by id instead of failing every scan after it.
 */
final class UsableCall {

    private UsableCall() {}

    /** Why {@code call} cannot be stored, as a clause ("it has no usable status"), or null when it can. */
    static String problem(CallSnapshot call) {
        String missing = call.missingRequiredField();
        if (missing != null) {
            return "it has no usable " + missing;
        }
        String unstorable = call.unstorableField();
        return unstorable == null ? null : "its " + unstorable + ", so it cannot be stored";
    }
}
