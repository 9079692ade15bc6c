package io.callingboxgateway.upstream.poll;

import java.time.Instant;

/**
 * The counts of one scan of the call list and its stop rule. The list is newest first: the scan stops
 * at the first call below the stop point (the last complete scan's newest call minus an overlap), and
 * the first scan of all, which has no stop point, leaves calls older than the backfill cutoff alone.
 * Plain arithmetic on timestamps, so it is tested without a database or a list.
 */
final class ScanCount {

    /** What to do with a usable listed call. */
    enum Verdict {
        /** Compare it with the store and apply it if it changed. */
        TAKE,
        /** Read, counted, and left alone: the first scan imports only the backfill period. */
        OLDER_THAN_BACKFILL,
        /** Below the stop point: the scan has seen every call it must see. */
        STOP,
        /** No usable call: counted, and no part of the order or the stop rule. */
        SET_ASIDE
    }

    private final Instant stopBelow;
    private final Instant backfillCutoff;
    private long read;
    private long invalid;
    private long olderThanBackfill;
    private long outOfOrder;
    private Instant newest;
    private Instant previous;

    private ScanCount(Instant stopBelow, Instant backfillCutoff) {
        this.stopBelow = stopBelow;
        this.backfillCutoff = backfillCutoff;
    }

    /** The first scan of all: nothing to stop below, and nothing older than {@code cutoff} imported. */
    static ScanCount first(Instant backfillCutoff) {
        return new ScanCount(null, backfillCutoff);
    }

    /** A scan after a complete one: it stops at the first call created before {@code stopBelow}. */
    static ScanCount after(Instant stopBelow) {
        return new ScanCount(stopBelow, null);
    }

    /** Counts a listed element that is no usable call. */
    Verdict setAside() {
        read++;
        invalid++;
        return Verdict.SET_ASIDE;
    }

    /** Counts a usable call created at {@code created} and says what to do with it. */
    Verdict judge(Instant created) {
        read++;
        if (previous != null && created.isAfter(previous)) {
            outOfOrder++;
        }
        previous = created;
        if (newest == null || created.isAfter(newest)) {
            newest = created;
        }
        if (stopBelow != null && created.isBefore(stopBelow)) {
            return Verdict.STOP;
        }
        if (backfillCutoff != null && created.isBefore(backfillCutoff)) {
            olderThanBackfill++;
            return Verdict.OLDER_THAN_BACKFILL;
        }
        return Verdict.TAKE;
    }

    long read() {
        return read;
    }

    /** Listed elements set aside while reading (the store may refuse more; those are counted there). */
    long invalid() {
        return invalid;
    }

    long olderThanBackfill() {
        return olderThanBackfill;
    }

    /** Calls listed after an older one: the list was not newest first, which the stop rule relies on. */
    long outOfOrder() {
        return outOfOrder;
    }

    /** The newest usable call listed, or null when there was none. */
    Instant newest() {
        return newest;
    }
}
