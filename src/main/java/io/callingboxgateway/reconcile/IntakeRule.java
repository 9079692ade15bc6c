package io.callingboxgateway.reconcile;

import io.callingboxgateway.model.CallSnapshot;
import java.time.Instant;

/**
 * A rule on how much of an incoming call the store may keep: personal-data rules (retention,
 * redaction, erasure) live with their feature and are found here as beans, so the reconciler applies
 * them without knowing them. The strictest verdict of all rules wins.
 */
public interface IntakeRule {

    /** What the store may keep of a call, from most to least. */
    enum Verdict {
        /** The call as received. */
        WHOLE,
        /** The call without its personal data (model/Redaction), for good. */
        REDACTED,
        /** Nothing: the call is not stored at all. */
        REFUSED;

        public Verdict stricter(Verdict other) {
            return compareTo(other) >= 0 ? this : other;
        }
    }

    /**
     * @param incoming the snapshot a webhook or poll brings
     * @param stored whether the store holds this call already
     * @param now the time of this reconciliation
     */
    Verdict judge(CallSnapshot incoming, boolean stored, Instant now);
}
