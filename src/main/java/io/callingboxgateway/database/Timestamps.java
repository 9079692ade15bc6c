package io.callingboxgateway.database;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;

/** What a native query hands back for a timestamptz depends on the driver and dialect: one place reads it. */
public final class Timestamps {

    private Timestamps() {}

    /** The instant a timestamptz column held, or null for SQL null. */
    public static Instant instant(Object value) {
        if (value == null) return null;
        if (value instanceof Instant instant) return instant;
        if (value instanceof OffsetDateTime offset) return offset.toInstant();
        if (value instanceof ZonedDateTime zoned) return zoned.toInstant();
        if (value instanceof Timestamp timestamp) return timestamp.toInstant();
        throw new IllegalArgumentException("not a timestamp: " + value.getClass());
    }
}
