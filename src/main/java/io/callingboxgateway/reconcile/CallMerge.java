package io.callingboxgateway.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.model.CallField;
import io.callingboxgateway.model.CallField.Group;
import io.callingboxgateway.model.CallLifecycle;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.model.CallStatus;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The merge of a stored call with an incoming snapshot: a pure function, so that the reconciled call
 * depends only on the set of snapshots seen, never on their order of arrival.
 *
 * <p>The fields fall into three groups, each decided by the greatest snapshot under its own order:
 *
 * <ul>
 *   <li>everything but the result and webhook fields: by status rank (queued &lt; initiated &lt;
 *       ringing &lt; in_progress &lt; terminal), then upstream {@code updated_at}; so terminals absorb,
 *       and of two different terminals the later one wins (recorded as a conflict);
 *   <li>{@code result_status}, {@code result}, {@code result_error}: by result rank (pending &lt;
 *       completed|failed), then {@code updated_at};
 *   <li>{@code webhook_status}, {@code webhook_error}: documented values first, then by
 *       {@code updated_at}, then rank (none &lt; pending &lt; delivered|failed); the one axis that may
 *       move back, because a manual redeliver upstream resets it, and only a newer {@code updated_at}
 *       can say so.
 * </ul>
 *
 * A value CallingBox adds later ranks below every documented one: it is stored when nothing better is
 * known, and never moves a call backwards. Exact ties between different snapshots are broken by a
 * canonical text of the group's values. Each order is total, and "keep the greatest" is associative,
 * commutative and idempotent: hence any permutation, with any duplicates, ends in the same call.
 */
public final class CallMerge {

    /** The stored state: the visible call plus the {@code updated_at} that decided each side group. */
    public record Reconciled(CallSnapshot call, Instant resultUpdatedAt, Instant webhookUpdatedAt) {

        public static Reconciled first(CallSnapshot snapshot) {
            return new Reconciled(snapshot, snapshot.updatedAt(), snapshot.updatedAt());
        }
    }

    /** What a snapshot did, as {@code call_decision.outcome} and the merge metric's tag spell it. */
    public enum Outcome {
        /** The first snapshot of a call. */
        CREATED("created"),
        /** The snapshot changed what consumers see. */
        APPLIED("applied"),
        /** The snapshot is the stored call exactly. */
        DUPLICATE("duplicate"),
        /** The snapshot lost on every axis: it is older than what is stored. */
        STALE("stale"),
        /** An intake rule (reconcile/IntakeRule) kept the call out of the store: nothing was written. */
        REFUSED("refused");

        // Spelled out, not derived from name(): a default-locale toLowerCase() once turned APPLIED
        // into "applıed" under a Turkish locale, and the wire name must not depend on where we run.
        private final String wireName;

        Outcome(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public record Change(Object before, Object after) {}

    /**
     * @param changes the visible fields that changed, by wire name, in the order CallingBox documents them
     * @param statusConflict two different terminal statuses were seen for the call
     */
    public record Result(Reconciled next, Outcome outcome, Map<String, Change> changes, boolean statusConflict) {}

    private CallMerge() {}

    public static Result merge(Reconciled current, CallSnapshot incoming) {
        if (current == null) {
            Reconciled first = Reconciled.first(incoming);
            return new Result(first, Outcome.CREATED, diff(null, incoming), false);
        }
        CallSnapshot stored = current.call();
        boolean mainWins = MAIN.compare(incoming, incoming.updatedAt(), stored, stored.updatedAt()) > 0;
        boolean resultWins = RESULT.compare(incoming, incoming.updatedAt(), stored, current.resultUpdatedAt()) > 0;
        boolean webhookWins = WEBHOOK.compare(incoming, incoming.updatedAt(), stored, current.webhookUpdatedAt()) > 0;

        CallSnapshot main = mainWins ? incoming : stored;
        CallSnapshot result = resultWins ? incoming : stored;
        CallSnapshot webhook = webhookWins ? incoming : stored;
        // The object as received follows the newest snapshot that won any group, so fields CallingBox
        // added later are served from the latest word on the call (ADR 0056).
        boolean anyWins = mainWins || resultWins || webhookWins;
        JsonNode raw = anyWins && incoming.raw() != null ? incoming.raw() : stored.raw();
        Reconciled next = new Reconciled(
                combine(main, result, webhook, raw),
                resultWins ? incoming.updatedAt() : current.resultUpdatedAt(),
                webhookWins ? incoming.updatedAt() : current.webhookUpdatedAt());

        Map<String, Change> changes = diff(stored, next.call());
        Outcome outcome = !changes.isEmpty()
                ? Outcome.APPLIED
                : CallField.sameValues(stored, incoming) ? Outcome.DUPLICATE : Outcome.STALE;
        boolean conflict = CallLifecycle.isTerminal(stored.status())
                && CallLifecycle.isTerminal(incoming.status())
                && !stored.status().equals(incoming.status());
        return new Result(next, outcome, changes, conflict);
    }

    static int resultRank(String resultStatus) {
        if (resultStatus == null) return -1;
        return switch (resultStatus) {
            case "pending" -> 0;
            case "completed", "failed" -> 1;
            default -> -1;
        };
    }

    static int webhookRank(String webhookStatus) {
        if (webhookStatus == null) return -1;
        return switch (webhookStatus) {
            case "none" -> 0;
            case "pending" -> 1;
            case "delivered", "failed" -> 2;
            default -> -1;
        };
    }

    /** A total order of one group's candidates: a snapshot, judged with the updated_at that decided it. */
    private record GroupOrder(Group group, Comparator<Candidate> order) {

        int compare(CallSnapshot a, Instant aUpdatedAt, CallSnapshot b, Instant bUpdatedAt) {
            int byOrder = order.compare(new Candidate(a, aUpdatedAt), new Candidate(b, bUpdatedAt));
            if (byOrder != 0) {
                return byOrder;
            }
            return CallField.canonical(a, group).compareTo(CallField.canonical(b, group));
        }
    }

    private record Candidate(CallSnapshot snapshot, Instant updatedAt) {}

    private static final Comparator<Instant> TIME = Comparator.nullsFirst(Comparator.naturalOrder());

    private static final GroupOrder MAIN = new GroupOrder(
            Group.MAIN,
            Comparator.<Candidate>comparingInt(c -> CallStatus.rank(c.snapshot().status()))
                    .thenComparing(Candidate::updatedAt, TIME));

    private static final GroupOrder RESULT = new GroupOrder(
            Group.RESULT,
            Comparator.<Candidate>comparingInt(c -> resultRank(c.snapshot().resultStatus()))
                    .thenComparing(Candidate::updatedAt, TIME));

    // A snapshot without a documented webhook_status (absent, or a value added later) says nothing
    // about delivery: it ranks below every one that does, however new, so it cannot blank the field.
    private static final GroupOrder WEBHOOK = new GroupOrder(
            Group.WEBHOOK,
            Comparator.<Candidate>comparingInt(c -> webhookRank(c.snapshot().webhookStatus()) >= 0 ? 1 : 0)
                    .thenComparing(Candidate::updatedAt, TIME)
                    .thenComparingInt(c -> webhookRank(c.snapshot().webhookStatus())));

    private static CallSnapshot combine(CallSnapshot main, CallSnapshot result, CallSnapshot webhook, JsonNode raw) {
        return CallField.assemble(
                field -> switch (field.group()) {
                    case MAIN -> field.of(main);
                    case RESULT -> field.of(result);
                    case WEBHOOK -> field.of(webhook);
                },
                raw);
    }

    private static Map<String, Change> diff(CallSnapshot before, CallSnapshot after) {
        Map<String, Change> changes = new LinkedHashMap<>();
        for (CallField field : CallField.values()) {
            Object old = before == null ? null : field.of(before);
            Object now = field.of(after);
            if (!Objects.equals(old, now)) {
                changes.put(field.wireName(), new Change(old, now));
            }
        }
        return changes;
    }
}
