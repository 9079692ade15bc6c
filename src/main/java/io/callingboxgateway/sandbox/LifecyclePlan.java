package io.callingboxgateway.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * How a simulated call's life unfolds for its {@link Outcome}: every status change, when it comes and
 * which event it fires, drawn up front from the simulator's seeded random source. {@link CallSimulator}
 * plays the plan on its clock.
 */
final class LifecyclePlan {

    /** $0.05 per minute of connected time. */
    static final long MILLI_CENTS_PER_MINUTE = 5_000;

    private final SimulatorRandom random;

    LifecyclePlan(SimulatorRandom random) {
        this.random = random;
    }

    /** One change of the call's life: due {@code after} the previous one, firing {@code event} (or none). */
    record Step(Duration after, BiConsumer<SimulatedCall, Instant> change, String event) {}

    /**
     * The call's whole life, drawn up front. Times are simulated seconds; {@code duration_seconds}
     * counts from the first ring, {@code billed_duration_seconds} only the conversation.
     */
    List<Step> plan(SimulatedCall call, SandboxAgent agent) {
        List<Step> steps = new ArrayList<>();
        if ("outbound".equals(call.direction)) {
            steps.add(new Step(random.seconds(1, 2), (c, now) -> c.status = "initiated", null));
        }
        switch (call.outcome) {
            case BUSY ->
                steps.add(new Step(
                        random.seconds(1, 4), (c, now) -> end(c, now, "busy", 0, 0, "user_busy"), "call.busy"));
            case FAILED -> {
                boolean unreachable = random.chance(0.5);
                steps.add(new Step(
                        random.seconds(1, 3),
                        (c, now) -> {
                            c.errorCode = unreachable ? "unreachable_destination" : "provider_error";
                            c.errorMessage = unreachable
                                    ? "The destination number could not be reached"
                                    : "The telephony provider rejected the call";
                            end(c, now, "failed", 0, 0, c.errorCode);
                        },
                        "call.failed"));
            }
            default -> {
                steps.add(new Step(
                        random.seconds(1, 3),
                        (c, now) -> {
                            c.status = "ringing";
                            c.startedAt = now;
                        },
                        "call.ringing"));
                afterRinging(call.outcome, agent, steps);
            }
        }
        return steps;
    }

    private void afterRinging(Outcome outcome, SandboxAgent agent, List<Step> steps) {
        switch (outcome) {
            case NO_ANSWER -> {
                int ring = random.between(25, 40);
                steps.add(new Step(
                        Duration.ofSeconds(ring),
                        (c, now) -> end(c, now, "no_answer", ring, 0, "no_answer"),
                        "call.no_answer"));
            }
            case VOICEMAIL -> {
                int ring = random.between(4, 12);
                steps.add(new Step(
                        Duration.ofSeconds(ring),
                        (c, now) -> {
                            c.answeredBy = "machine";
                            end(c, now, "no_answer", ring, 0, "machine_detected");
                        },
                        "call.no_answer"));
            }
            case CANCELED -> {
                int ring = random.between(2, 10);
                steps.add(new Step(
                        Duration.ofSeconds(ring),
                        (c, now) -> end(c, now, "canceled", ring, 0, "originator_cancel"),
                        "call.canceled"));
            }
            default -> conversation(outcome, agent, steps);
        }
    }

    private void conversation(Outcome outcome, SandboxAgent agent, List<Step> steps) {
        int ring = random.between(3, 15);
        int talk = random.between(20, 150);
        ObjectNode result = outcome == Outcome.COMPLETED ? agent.result(random) : agent.emptyResult();
        steps.add(new Step(
                Duration.ofSeconds(ring),
                (c, now) -> {
                    c.status = "in_progress";
                    c.answeredAt = now;
                    c.answeredBy = "human";
                },
                "call.answered"));
        // The call is completed at hang-up; call.completed waits for extraction.
        steps.add(new Step(
                Duration.ofSeconds(talk),
                (c, now) -> end(c, now, "completed", ring + talk, talk, "normal_clearing"),
                null));
        steps.add(new Step(
                random.seconds(2, 8),
                (c, now) -> {
                    c.result = result;
                    if (outcome == Outcome.COMPLETED) {
                        c.resultStatus = "completed";
                    } else {
                        c.resultStatus = "failed";
                        c.resultError = "the transcript did not contain the requested fields";
                    }
                },
                "call.completed"));
    }

    /** Ends a call and settles its hold: charged for connected time when answered, else released. */
    private static void end(SimulatedCall c, Instant now, String status, int duration, int billed, String cause) {
        c.status = status;
        c.endedAt = now;
        c.durationSeconds = duration;
        c.billedDurationSeconds = billed;
        c.billingAmountMilliCents = (billed * MILLI_CENTS_PER_MINUTE + 30) / 60;
        c.reservationStatus = c.answeredAt != null ? "settled" : "released";
        c.hangupCause = cause;
    }
}
