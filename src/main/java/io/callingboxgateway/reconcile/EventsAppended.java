package io.callingboxgateway.reconcile;

/**
 * Fired (as a CDI event) when a transaction that wrote events commits, so live streams on this
 * replica wake at once instead of at their next look at the database.
 */
public record EventsAppended(long lastId) {}
