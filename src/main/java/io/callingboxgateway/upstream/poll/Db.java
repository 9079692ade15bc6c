package io.callingboxgateway.upstream.poll;

import io.callingboxgateway.database.Timestamps;
import java.time.Instant;

/** The poll package's short name for {@link Timestamps#instant}, the one reading of a timestamptz. */
final class Db {

    private Db() {}

    static Instant instant(Object value) {
        return Timestamps.instant(value);
    }
}
