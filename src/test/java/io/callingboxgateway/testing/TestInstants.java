package io.callingboxgateway.testing;

import java.time.Instant;

/** Fixed instants for tests whose calls need a creation time but do not care which. */
public final class TestInstants {

    /** When the tests' calls are created, unless a test says otherwise. */
    public static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private TestInstants() {}
}
