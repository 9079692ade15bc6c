package io.callingboxgateway.privacy.erasure;

/**
 * What one erasure deleted, per kind of record.
 *
 * @param receipts webhook receipts and redelivery requests of the calls
 * @param transcripts stored transcripts
 * @param deliveries pushes of the calls' events still due to a subscription, and their dead letters
 */
record Counts(int calls, int events, int decisions, int receipts, int transcripts, int deliveries) {

    static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0);

    Counts plus(Counts other) {
        return new Counts(
                calls + other.calls,
                events + other.events,
                decisions + other.decisions,
                receipts + other.receipts,
                transcripts + other.transcripts,
                deliveries + other.deliveries);
    }

    boolean any() {
        return !equals(NONE);
    }
}
