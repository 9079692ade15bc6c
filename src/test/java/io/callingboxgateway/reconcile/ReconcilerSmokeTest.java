package io.callingboxgateway.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callingboxgateway.calls.CallSnapshot;
import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ReconcilerSmokeTest {

    @Inject
    Reconciler reconciler;

    @Test
    void firstSnapshotCreatesThenDuplicateIsNoOp() {
        UUID id = UUID.randomUUID();
        Instant t = Instant.parse("2026-11-28T10:00:00Z");
        CallSnapshot s = new CallSnapshot(
                id,
                null,
                "+15551230001",
                "+15551230002",
                "ringing",
                "outbound",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "pending",
                null,
                "en",
                null,
                "pending",
                null,
                t,
                t,
                null,
                null,
                null,
                null,
                null,
                "reserved",
                null,
                null,
                null,
                null,
                t);
        assertEquals(CallMerge.Outcome.CREATED, reconciler.apply(s, Source.WEBHOOK, UUID.randomUUID()));
        assertEquals(CallMerge.Outcome.DUPLICATE, reconciler.apply(s, Source.POLL, null));
    }
}
