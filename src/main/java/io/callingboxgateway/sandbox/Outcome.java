package io.callingboxgateway.sandbox;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How a simulated call ends. Calls to a scenario number always end the named way, so a test or a
 * newcomer can pick an ending; any other number gets one at random, weighted roughly like real
 * traffic.
 */
enum Outcome {
    /** Answered by a person, talked, hung up; extraction fills the result. */
    COMPLETED("+15550100001", 55),
    /** Answered and hung up normally, but extraction could not fill the result. */
    EXTRACTION_FAILED("+15550100002", 5),
    /** Rang out. */
    NO_ANSWER("+15550100003", 12),
    /** A machine picked up: reported as no_answer with answered_by machine, never charged. */
    VOICEMAIL("+15550100004", 10),
    /** Busy signal before any ringing. */
    BUSY("+15550100005", 7),
    /** The caller gave up while it rang. */
    CANCELED("+15550100006", 5),
    /** The telephony provider failed the call before it connected. */
    FAILED("+15550100007", 6);

    /** Placing a call to this number fails at once with 502, as when the provider rejects it. */
    static final String PLACEMENT_FAILURE_NUMBER = "+15550100502";

    /** The endings an inbound call can have: the inbound agent always picks up unless something breaks. */
    static final List<Outcome> INBOUND = List.of(COMPLETED, COMPLETED, COMPLETED, EXTRACTION_FAILED, CANCELED, FAILED);

    final String scenarioNumber;
    final int weight;

    Outcome(String scenarioNumber, int weight) {
        this.scenarioNumber = scenarioNumber;
        this.weight = weight;
    }

    boolean answered() {
        return this == COMPLETED || this == EXTRACTION_FAILED;
    }

    static Optional<Outcome> forNumber(String to) {
        return Arrays.stream(values()).filter(o -> o.scenarioNumber.equals(to)).findFirst();
    }

    static Outcome random(SimulatorRandom random) {
        int total = Arrays.stream(values()).mapToInt(o -> o.weight).sum();
        int draw = random.between(1, total);
        for (Outcome outcome : values()) {
            draw -= outcome.weight;
            if (draw <= 0) {
                return outcome;
            }
        }
        return COMPLETED;
    }
}
