package io.callingboxgateway.model;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * CallingBox's documented call statuses, in the order a call lives through them: the one home of the
 * status vocabulary. Filters, the lifecycle, the merge's rank and the SQL predicates of the refresh
 * schedule all read it from here; the migration's index predicate cannot, so a test holds it to the
 * same answers ({@code SettledPredicatesTest}).
 */
public enum CallStatus {
    QUEUED("queued", 0),
    INITIATED("initiated", 1),
    RINGING("ringing", 2),
    IN_PROGRESS("in_progress", 3),
    COMPLETED("completed", 4),
    NO_ANSWER("no_answer", 4),
    BUSY("busy", 4),
    CANCELED("canceled", 4),
    FAILED("failed", 4);

    /** The rank of the statuses a call ends in: each absorbs every status before it. */
    private static final int TERMINAL_RANK = 4;

    /** The documented statuses as CallingBox spells them, in lifecycle order. */
    public static final List<String> WIRE_NAMES =
            Arrays.stream(values()).map(CallStatus::wireName).toList();

    /**
     * The terminal statuses as an SQL list ({@code 'completed', 'no_answer', ...}), for predicates that
     * must agree with {@link #isTerminal(String)}. Built from constants only, never from input.
     */
    public static final String TERMINAL_SQL_LIST = Arrays.stream(values())
            .filter(s -> s.rank == TERMINAL_RANK)
            .map(s -> "'" + s.wireName + "'")
            .collect(Collectors.joining(", "));

    private final String wireName;
    private final int rank;

    CallStatus(String wireName, int rank) {
        this.wireName = wireName;
        this.rank = rank;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * The merge's order of statuses: queued &lt; initiated &lt; ringing &lt; in_progress &lt; terminal.
     * Absent and undocumented statuses rank -1, below all, so they never move a call backwards.
     */
    public static int rank(String status) {
        for (CallStatus s : values()) {
            if (s.wireName.equals(status)) {
                return s.rank;
            }
        }
        return -1;
    }

    /** Whether the call has ended: CallingBox changes its status no more. */
    public static boolean isTerminal(String status) {
        return rank(status) == TERMINAL_RANK;
    }
}
