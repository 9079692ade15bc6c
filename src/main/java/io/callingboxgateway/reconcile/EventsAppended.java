package io.callingboxgateway.reconcile;

/**
 * Fired (as a CDI event) when a transaction that wrote events commits, so this replica's sequencer
 * numbers them at once instead of at its next look at the database. It carries no id: events get
 * theirs only when numbered, after commit.
 */
public record EventsAppended() {}
