package io.callingboxgateway.upstream.poll;

import io.callingboxgateway.calls.Call;
import io.callingboxgateway.reconcile.CallMerge.Reconciled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.hibernate.jpa.HibernateHints;

/** Read-only looks at the store, so discovery can skip what the reconciler would not change. */
@ApplicationScoped
public class StoredCalls {

    private final EntityManager em;

    StoredCalls(EntityManager em) {
        this.em = em;
    }

    /** The stored state of those of {@code ids} the store knows, in one query. */
    @Transactional
    public Map<UUID, Reconciled> load(Collection<UUID> ids) {
        Map<UUID, Reconciled> stored = new HashMap<>();
        if (ids.isEmpty()) {
            return stored;
        }
        em.createQuery("from Call c where c.id in :ids", Call.class)
                .setParameter("ids", ids)
                .setHint(HibernateHints.HINT_READ_ONLY, true)
                .getResultStream()
                .forEach(c -> stored.put(c.id, new Reconciled(c.snapshot(), c.resultUpdatedAt, c.webhookUpdatedAt)));
        return stored;
    }

    @Transactional
    public boolean isEmpty() {
        return !(Boolean)
                em.createNativeQuery("select exists (select 1 from call)").getSingleResult();
    }
}
