package io.callingboxgateway.reconcile;

import static io.callingboxgateway.model.CallField.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.callingboxgateway.model.CallLifecycle;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.model.CallStatus;
import io.callingboxgateway.reconcile.CallMerge.Outcome;
import io.callingboxgateway.reconcile.CallMerge.Reconciled;
import io.callingboxgateway.reconcile.CallMerge.Result;
import io.callingboxgateway.testing.CallBuilder;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of the pure merge over generated call histories (see {@link CallHistories}). Each run is one
 * seed: a failure names it, and {@code -Dmerge.seed=N} replays just that one ({@code -Dmerge.seeds=N}
 * runs seeds 1..N instead of the default 200).
 */
class CallMergePropertyTest {

    /** Arrival orders tried per seed. */
    private static final int ORDERINGS = 12;

    private static final Instant CREATED_AT = Instant.parse("2026-11-28T09:00:00.123456Z");
    private static final Comparator<Instant> TIME = Comparator.nullsFirst(Comparator.naturalOrder());
    private static final ObjectMapper WIRE = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    static Stream<Long> seeds() {
        String one = System.getProperty("merge.seed");
        if (one != null) {
            return Stream.of(Long.parseLong(one));
        }
        return LongStream.rangeClosed(1, Long.getLong("merge.seeds", 200)).boxed();
    }

    /** One step of a fold: the state before, the snapshot that arrived, what the merge made of it. */
    private record Step(Reconciled before, CallSnapshot incoming, Result result) {
        Reconciled after() {
            return result.next();
        }
    }

    private interface StepCheck {
        void check(Step step, String where);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anyArrivalOrderWithDuplicatesEndsInTheSameCall(long seed) {
        Random random = new Random(seed);
        List<CallSnapshot> seen = CallHistories.observed(random, callId(seed), CREATED_AT);
        Reconciled expected = fold(seen);
        for (int i = 0; i < ORDERINGS; i++) {
            List<CallSnapshot> arrivals = CallHistories.shuffledWithDuplicates(random, seen);
            assertEquals(expected, fold(arrivals), "seed " + seed + ", ordering " + i + ": " + statuses(arrivals));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void applyingASnapshotTwiceIsApplyingItOnce(long seed) {
        Random random = new Random(seed);
        List<CallSnapshot> seen = CallHistories.observed(random, callId(seed), CREATED_AT);
        everyStep(seed, random, seen, (step, where) -> {
            Result again = CallMerge.merge(step.after(), step.incoming());
            assertEquals(step.after(), again.next(), where + ": second application changed the call");
            assertTrue(again.changes().isEmpty(), where + ": second application reported " + again.changes());
            assertTrue(
                    again.outcome() == Outcome.DUPLICATE || again.outcome() == Outcome.STALE,
                    where + ": second application was " + again.outcome());
        });
        Reconciled end = fold(seen);
        for (CallSnapshot absorbed : seen) {
            Result again = CallMerge.merge(end, absorbed);
            assertEquals(end, again.next(), "seed " + seed + ": re-merging an absorbed snapshot changed the call");
            assertTrue(again.changes().isEmpty(), "seed " + seed + ": re-merging reported " + again.changes());
            assertTrue(
                    again.outcome() == Outcome.DUPLICATE || again.outcome() == Outcome.STALE,
                    "seed " + seed + ": re-merging an absorbed snapshot was " + again.outcome());
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void statusAndResultStatusNeverMoveBackwards(long seed) {
        Random random = new Random(seed);
        List<CallSnapshot> seen = CallHistories.observed(random, callId(seed), CREATED_AT);
        everyStep(seed, random, seen, (step, where) -> {
            if (step.before() == null) {
                return;
            }
            CallSnapshot before = step.before().call();
            CallSnapshot after = step.after().call();
            assertTrue(
                    CallStatus.rank(after.status()) >= CallStatus.rank(before.status()),
                    where + ": status " + before.status() + " -> " + after.status());
            assertTrue(
                    !CallLifecycle.isTerminal(before.status()) || CallLifecycle.isTerminal(after.status()),
                    where + ": terminal " + before.status() + " -> " + after.status());
            assertTrue(
                    CallMerge.resultRank(after.resultStatus()) >= CallMerge.resultRank(before.resultStatus()),
                    where + ": result_status " + before.resultStatus() + " -> " + after.resultStatus());
            assertTrue(
                    !CallLifecycle.isFinalResult(before.resultStatus())
                            || CallLifecycle.isFinalResult(after.resultStatus()),
                    where + ": final result_status " + before.resultStatus() + " -> " + after.resultStatus());
            assertEquals(
                    CallLifecycle.isTerminal(before.status())
                            && CallLifecycle.isTerminal(step.incoming().status())
                            && !before.status().equals(step.incoming().status()),
                    step.result().statusConflict(),
                    where + ": status conflict flag for " + before.status() + " vs "
                            + step.incoming().status());
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void webhookStatusMovesBackOnlyOnANewerUpdatedAt(long seed) {
        Random random = new Random(seed);
        List<CallSnapshot> seen = CallHistories.observed(random, callId(seed), CREATED_AT);
        everyStep(seed, random, seen, (step, where) -> {
            if (step.before() == null) {
                return;
            }
            String before = step.before().call().webhookStatus();
            String after = step.after().call().webhookStatus();
            Instant setBy = step.before().webhookUpdatedAt();
            Instant incomingAt = step.incoming().updatedAt();
            if (CallMerge.webhookRank(after) < CallMerge.webhookRank(before)) {
                assertTrue(
                        TIME.compare(incomingAt, setBy) > 0,
                        where + ": webhook_status " + before + " -> " + after + " by a snapshot of " + incomingAt
                                + ", not newer than " + setBy);
            }
            if (!Objects.equals(before, after) && CallMerge.webhookRank(before) >= 0) {
                assertTrue(
                        CallMerge.webhookRank(after) >= 0,
                        where + ": documented webhook_status " + before + " replaced by " + after);
                assertTrue(
                        TIME.compare(incomingAt, setBy) >= 0,
                        where + ": webhook_status changed by an older snapshot (" + incomingAt + " < " + setBy + ")");
                assertEquals(incomingAt, step.after().webhookUpdatedAt(), where + ": webhook updated_at not recorded");
            }
        });
        Reconciled end = fold(seen);
        // Snapshots with a documented webhook_status decide it; the others only while there are none.
        List<CallSnapshot> deciding = seen.stream().anyMatch(s -> CallMerge.webhookRank(s.webhookStatus()) >= 0)
                ? seen.stream()
                        .filter(s -> CallMerge.webhookRank(s.webhookStatus()) >= 0)
                        .toList()
                : seen;
        Instant newest =
                deciding.stream().map(CallSnapshot::updatedAt).max(TIME).orElseThrow();
        int bestRankAtNewest = deciding.stream()
                .filter(s -> Objects.equals(s.updatedAt(), newest))
                .mapToInt(s -> CallMerge.webhookRank(s.webhookStatus()))
                .max()
                .orElseThrow();
        assertEquals(newest, end.webhookUpdatedAt(), "seed " + seed + ": webhook side not decided by the newest");
        assertEquals(
                bestRankAtNewest,
                CallMerge.webhookRank(end.call().webhookStatus()),
                "seed " + seed + ": webhook_status " + end.call().webhookStatus());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void unknownValuesAreKeptOnlyWhileNothingBetterIsKnown(long seed) {
        Random random = new Random(seed);
        List<CallSnapshot> seen = CallHistories.observed(random, callId(seed), CREATED_AT);
        everyStep(seed, random, seen, (step, where) -> {
            if (step.before() == null) {
                return;
            }
            CallSnapshot before = step.before().call();
            CallSnapshot incoming = step.incoming();
            CallSnapshot after = step.after().call();
            if (CallStatus.rank(before.status()) >= 0 && CallStatus.rank(incoming.status()) < 0) {
                assertEquals(before.status(), after.status(), where + ": unknown status " + incoming.status());
            }
            if (CallMerge.resultRank(before.resultStatus()) >= 0 && CallMerge.resultRank(incoming.resultStatus()) < 0) {
                assertEquals(
                        before.resultStatus(),
                        after.resultStatus(),
                        where + ": unknown result_status " + incoming.resultStatus());
            }
            if (CallMerge.webhookRank(before.webhookStatus()) >= 0
                    && CallMerge.webhookRank(incoming.webhookStatus()) < 0
                    && TIME.compare(incoming.updatedAt(), step.before().webhookUpdatedAt()) <= 0) {
                assertEquals(
                        before.webhookStatus(),
                        after.webhookStatus(),
                        where + ": unknown webhook_status " + incoming.webhookStatus() + " without a newer updated_at");
            }
        });
        Reconciled end = fold(seen);
        int bestStatus =
                seen.stream().mapToInt(s -> CallStatus.rank(s.status())).max().orElseThrow();
        int bestResult = seen.stream()
                .mapToInt(s -> CallMerge.resultRank(s.resultStatus()))
                .max()
                .orElseThrow();
        assertEquals(bestStatus, CallStatus.rank(end.call().status()), "seed " + seed + ": status");
        assertEquals(bestResult, CallMerge.resultRank(end.call().resultStatus()), "seed " + seed + ": result");
        assertNotNull(end.call().status(), "seed " + seed + ": a known status, even an unknown one, is kept");

        // stored when nothing better is known: a call seen only in an undocumented status keeps it
        CallSnapshot odd = CallBuilder.from(seen.get(0))
                .with(c -> c.set(STATUS, CallHistories.UNKNOWN_STATUSES.get((int) (seed % 2))))
                .build();
        assertEquals(odd.status(), fold(List.of(odd)).call().status(), "seed " + seed);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void changesListExactlyTheVisibleFieldsThatDiffer(long seed) {
        Random random = new Random(seed);
        List<CallSnapshot> seen = CallHistories.observed(random, callId(seed), CREATED_AT);
        // every component but the object as received (raw), which the view serves beside them
        int visibleFields = (int) Arrays.stream(CallSnapshot.class.getRecordComponents())
                .filter(component -> !component.getAccessor().isAnnotationPresent(JsonIgnore.class))
                .count();
        everyStep(seed, random, seen, (step, where) -> {
            ObjectNode after = WIRE.valueToTree(step.after().call());
            assertEquals(visibleFields, after.size(), where + ": wire form " + after.fieldNames());
            ObjectNode before = step.before() == null
                    ? nulls(after)
                    : WIRE.valueToTree(step.before().call());
            Set<String> differing = new TreeSet<>();
            after.fieldNames().forEachRemaining(name -> {
                if (!before.get(name).equals(after.get(name))) {
                    differing.add(name);
                }
            });
            assertEquals(differing, new TreeSet<>(step.result().changes().keySet()), where + ": changed fields");
            step.result().changes().forEach((name, change) -> {
                assertEquals(before.get(name), wire(change.before()), where + ": before of " + name);
                assertEquals(after.get(name), wire(change.after()), where + ": after of " + name);
            });
            Outcome expected = step.before() == null
                    ? Outcome.CREATED
                    : !differing.isEmpty()
                            ? Outcome.APPLIED
                            : step.before().call().equals(step.incoming()) ? Outcome.DUPLICATE : Outcome.STALE;
            assertEquals(expected, step.result().outcome(), where);
        });
    }

    /** Folds several arrival orders of the snapshots and checks every step of each. */
    private static void everyStep(long seed, Random random, List<CallSnapshot> seen, StepCheck check) {
        for (int ordering = 0; ordering < ORDERINGS; ordering++) {
            List<CallSnapshot> arrivals = ordering == 0 ? seen : CallHistories.shuffledWithDuplicates(random, seen);
            Reconciled state = null;
            for (int i = 0; i < arrivals.size(); i++) {
                String where = "seed " + seed + ", ordering " + ordering + ", step " + i + " of " + statuses(arrivals);
                Result result;
                try {
                    result = CallMerge.merge(state, arrivals.get(i));
                    check.check(new Step(state, arrivals.get(i), result), where);
                } catch (RuntimeException e) {
                    throw new AssertionError(where + ": " + e, e);
                }
                state = result.next();
            }
        }
    }

    static Reconciled fold(List<CallSnapshot> arrivals) {
        Reconciled state = null;
        for (CallSnapshot s : arrivals) {
            state = CallMerge.merge(state, s).next();
        }
        return state;
    }

    private static UUID callId(long seed) {
        return new UUID(0x5eed_0000_0000_4000L, seed);
    }

    private static List<String> statuses(List<CallSnapshot> arrivals) {
        return arrivals.stream()
                .map(s -> s.status() + "/" + s.resultStatus() + "/" + s.webhookStatus() + "@" + s.updatedAt())
                .toList();
    }

    private static ObjectNode nulls(ObjectNode shape) {
        ObjectNode node = WIRE.createObjectNode();
        shape.fieldNames().forEachRemaining(name -> node.set(name, NullNode.instance));
        return node;
    }

    private static JsonNode wire(Object value) {
        JsonNode node = WIRE.valueToTree(value);
        return node == null ? NullNode.instance : node;
    }
}
