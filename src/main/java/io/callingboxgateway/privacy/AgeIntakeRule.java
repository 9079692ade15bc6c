package io.callingboxgateway.privacy;

import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.IntakeRule;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * A call a poll or webhook brings back after its age limits is not re-imported whole: past
 * {@code redact-after} it is stored redacted, past {@code retention} not at all (the webhook is still
 * answered 2xx, outcome {@code refused}).
 */
@ApplicationScoped
class AgeIntakeRule implements IntakeRule {

    private final CallsPrivacyConfig config;

    AgeIntakeRule(CallsPrivacyConfig config) {
        this.config = config;
    }

    @Override
    public Verdict judge(CallSnapshot incoming, boolean stored, Instant now) {
        if (config.retention()
                .cutoff(now)
                .filter(cutoff -> CallAge.before(incoming, cutoff))
                .isPresent()) {
            return Verdict.REFUSED;
        }
        if (config.redactAfter()
                .cutoff(now)
                .filter(cutoff -> CallAge.before(incoming, cutoff))
                .isPresent()) {
            return Verdict.REDACTED;
        }
        return Verdict.WHOLE;
    }
}
