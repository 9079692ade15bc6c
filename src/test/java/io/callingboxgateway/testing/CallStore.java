package io.callingboxgateway.testing;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collection;
import java.util.UUID;

/**
 * Direct access to the call table for tests: seeding and changing rows the way reconciliation would,
 * without going through an API the read side does not have.
 */
@ApplicationScoped
public class CallStore {

    @Inject
    TestDatabase db;

    public void clear() {
        db.update("TRUNCATE call CASCADE");
    }

    public void insert(TestCall... calls) {
        insert(Arrays.asList(calls));
    }

    /** One transaction, so a reader sees all of the calls or none. Safe to call from any thread. */
    public void insert(Collection<TestCall> calls) {
        QuarkusTransaction.requiringNew()
                .run(() -> calls.forEach(c -> c.entity().persist()));
    }

    /** What reconciliation does when a newer snapshot wins: new state, new updated_at, version + 1. */
    public void advance(UUID id, String status, Instant updatedAt) {
        int updated = db.update(
                "UPDATE call SET status = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                status,
                updatedAt.atOffset(ZoneOffset.UTC),
                id);
        if (updated != 1) {
            throw new IllegalStateException("no call " + id);
        }
    }
}
