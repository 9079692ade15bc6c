package io.callingboxgateway.sandbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.UUID;

/** The two agents of the sandbox organisation: one that places calls and one that answers them. */
enum SandboxAgent {
    OUTBOUND(
            SandboxDefaults.OUTBOUND_AGENT_ID,
            "outbound",
            "Sam, a friendly receptionist at a dental practice",
            "Confirm tomorrow's appointment and ask which day suits a follow-up visit.") {
        @Override
        ObjectNode returns() {
            return schema("appointment_confirmed", "boolean", "preferred_day", "string", "party_size", "number");
        }

        @Override
        ObjectNode result(SimulatorRandom random) {
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            result.put("appointment_confirmed", random.chance(0.7));
            result.put("preferred_day", random.pick(List.of("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")));
            result.put("party_size", random.between(1, 4));
            return result;
        }
    },
    INBOUND(
            SandboxDefaults.INBOUND_AGENT_ID,
            "inbound",
            "Alex, the practice's after-hours assistant",
            "Find out why the caller rang and whether they want a call back.") {
        @Override
        ObjectNode returns() {
            return schema("caller_intent", "string", "callback_requested", "boolean");
        }

        @Override
        ObjectNode result(SimulatorRandom random) {
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            result.put("caller_intent", random.pick(List.of("reschedule", "billing question", "new patient")));
            result.put("callback_requested", random.chance(0.5));
            return result;
        }
    };

    final UUID id;
    final String type;
    final String persona;
    final String instructions;

    SandboxAgent(UUID id, String type, String persona, String instructions) {
        this.id = id;
        this.type = type;
        this.persona = persona;
        this.instructions = instructions;
    }

    /** The extraction schema the agent's calls are read against. */
    abstract ObjectNode returns();

    /** What extraction finds after a conversation. */
    abstract ObjectNode result(SimulatorRandom random);

    /** What extraction returns when it fails: every field present and null. */
    ObjectNode emptyResult() {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        returns().fieldNames().forEachRemaining(result::putNull);
        return result;
    }

    String prompt(String instructions) {
        return "You are " + persona + ". " + instructions;
    }

    static SandboxAgent byId(UUID id) {
        for (SandboxAgent agent : values()) {
            if (agent.id.equals(id)) {
                return agent;
            }
        }
        return null;
    }

    private static ObjectNode schema(String... namesAndTypes) {
        ObjectNode schema = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            schema.put(namesAndTypes[i], namesAndTypes[i + 1]);
        }
        return schema;
    }
}
