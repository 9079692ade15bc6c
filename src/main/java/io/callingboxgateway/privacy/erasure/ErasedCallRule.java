package io.callingboxgateway.privacy.erasure;

import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.IntakeRule;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import java.time.Instant;

/**
 * A call erased on request that a later poll or webhook brings back is stored without its personal
 * data, which also keeps its transcript from being fetched (V67). Looks only when the store does not
 * hold the call: once brought back it is stored redacted, and the reconciler keeps a redacted call so,
 * so calls seen before cost nothing.
 */
@ApplicationScoped
class ErasedCallRule implements IntakeRule {

    private final EntityManager em;

    ErasedCallRule(EntityManager em) {
        this.em = em;
    }

    @Override
    public Verdict judge(CallSnapshot incoming, boolean stored, Instant now) {
        if (stored) {
            return Verdict.WHOLE;
        }
        // No flush first: this transaction never writes erased_call, and on the webhook path a flush here
        // would write every call the batch has changed so far, once per new call
        Object erased = em.createNativeQuery("select exists (select 1 from erased_call where call_id = :id)")
                .setFlushMode(FlushModeType.COMMIT)
                .setParameter("id", incoming.id())
                .getSingleResult();
        return Boolean.TRUE.equals(erased) ? Verdict.REDACTED : Verdict.WHOLE;
    }
}
