package io.callingboxgateway.events;

/**
 * A cursor the feed cannot continue from: not a number, a position the feed has not reached, or a
 * position whose events retention has deleted. The resources say which in the caller's terms.
 */
public class UnusableCursor extends RuntimeException {

    public enum Reason {
        MALFORMED,
        OUTSIDE,
        DELETED
    }

    private final Reason reason;
    private final long position;
    private final long oldestRetained;

    /** @param position the cursor as a number; meaningful only when it is one (not {@code MALFORMED}) */
    UnusableCursor(Reason reason, long position, long oldestRetained) {
        super(reason.name(), null, false, false);
        this.reason = reason;
        this.position = position;
        this.oldestRetained = oldestRetained;
    }

    public long position() {
        return position;
    }

    public Reason reason() {
        return reason;
    }

    /** The position after which the oldest retained event lies: where a reader can resume. */
    public long oldestRetained() {
        return oldestRetained;
    }
}
