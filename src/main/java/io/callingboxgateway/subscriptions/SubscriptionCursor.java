package io.callingboxgateway.subscriptions;

import io.callingboxgateway.problem.ProblemException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Where a page of {@code GET /subscriptions} ended: the last subscription's (created_at, id), the
 * list's sort key, so a page never repeats or skips one however many are created or deleted meanwhile.
 * Opaque to clients; it names nothing they could not read from the page itself.
 */
record SubscriptionCursor(Instant createdAt, UUID id) {

    static SubscriptionCursor after(Subscription last) {
        return new SubscriptionCursor(last.createdAt, last.id);
    }

    String encode() {
        String plain = createdAt.getEpochSecond() + "." + createdAt.getNano() + "." + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws ProblemException 400 naming {@code after} when the text is not a cursor of this list */
    static SubscriptionCursor decode(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\.", 3);
            long seconds = Long.parseLong(parts[0]);
            int nanos = Integer.parseInt(parts[1]);
            if (nanos >= 0 && nanos < 1_000_000_000 && Math.abs(seconds) < 10_000_000_000_000L) {
                return new SubscriptionCursor(Instant.ofEpochSecond(seconds, nanos), UUID.fromString(parts[2]));
            }
        } catch (RuntimeException e) {
            // answered below
        }
        throw ProblemException.invalidParameter("after", "after must be a next_cursor of this list");
    }
}
