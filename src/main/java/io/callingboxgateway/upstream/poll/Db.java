package io.callingboxgateway.upstream.poll;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;

/** What native queries hand back for a timestamptz depends on the driver and dialect: normalise it. */
final class Db {

    private Db() {}

    static Instant instant(Object value) {
        if (value == null) return null;
        if (value instanceof Instant i) return i;
        if (value instanceof OffsetDateTime o) return o.toInstant();
        if (value instanceof ZonedDateTime z) return z.toInstant();
        if (value instanceof Timestamp t) return t.toInstant();
        throw new IllegalArgumentException("not a timestamp: " + value.getClass());
    }
}
