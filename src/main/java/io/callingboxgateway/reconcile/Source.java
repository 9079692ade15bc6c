package io.callingboxgateway.reconcile;

/** Where a call snapshot came from. Backfill is a poll of history, marked so consumers can tell it from news. */
public enum Source {
    WEBHOOK,
    POLL,
    BACKFILL;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
