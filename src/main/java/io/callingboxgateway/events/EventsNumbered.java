package io.callingboxgateway.events;

/** Fired (as a CDI event) when this replica's sequencer has numbered events up to {@code lastId}. */
public record EventsNumbered(long lastId) {}
