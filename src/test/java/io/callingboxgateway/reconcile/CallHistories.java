package io.callingboxgateway.reconcile;

import static io.callingboxgateway.model.CallField.*;
import static io.callingboxgateway.testing.CallBuilder.next;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callingboxgateway.model.CallLifecycle;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.testing.CallBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Generated CallingBox call histories, drawn from a seeded {@link Random} so that any failure can be
 * replayed from its seed. {@link #lifecycle} is what CallingBox emitted for one call, in its own order;
 * {@link #observed} is what the gateway may get to see of it: some of those snapshots (webhooks lost,
 * polls that came too late), plus the odd ones an upstream can produce.
 */
final class CallHistories {

    static final List<String> UNKNOWN_STATUSES = List.of("transferring", "on_hold");
    static final String UNKNOWN_RESULT_STATUS = "extracting";
    static final String UNKNOWN_WEBHOOK_STATUS = "retrying";

    private static final List<String> TERMINALS = List.of("completed", "no_answer", "busy", "canceled", "failed");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private enum Ending {
        COMPLETED,
        NO_ANSWER,
        VOICEMAIL,
        BUSY,
        CANCELED,
        FAILED_BEFORE_RINGING,
        FAILED_IN_CALL
    }

    private CallHistories() {}

    /** The snapshots CallingBox produced over one call's life, with strictly increasing updated_at. */
    static List<CallSnapshot> lifecycle(Random random, UUID id, Instant createdAt) {
        Clock clock = new Clock(random, createdAt);
        List<CallSnapshot> life = new ArrayList<>();
        boolean hasWebhook = random.nextInt(5) > 0;
        CallSnapshot s = CallBuilder.queued(id, createdAt)
                .with(c -> {
                    c.set(CONTEXT, context(random));
                    c.set(METADATA, metadata(random));
                    c.set(RETURNS, returnsSchema());
                    if (!hasWebhook) {
                        c.set(WEBHOOK_URL, null);
                        c.set(WEBHOOK_STATUS, "none");
                    }
                })
                .build();
        life.add(s);
        s = next(s, c -> {
            c.set(STATUS, "initiated");
            c.set(UPDATED_AT, clock.tick());
        });
        life.add(s);

        Ending ending = Ending.values()[random.nextInt(Ending.values().length)];
        if (ending == Ending.FAILED_BEFORE_RINGING) {
            life.add(failed(s, clock, "provider_error"));
            return withWebhookDelivery(random, clock, life);
        }
        Instant ringingAt = clock.tick();
        s = next(s, c -> {
            c.set(STATUS, "ringing");
            c.set(STARTED_AT, ringingAt);
            c.set(UPDATED_AT, ringingAt);
        });
        life.add(s);

        switch (ending) {
            case COMPLETED -> completed(random, clock, s, life);
            case FAILED_IN_CALL -> {
                s = answered(clock, s);
                life.add(s);
                life.add(failed(s, clock, "ai_error"));
            }
            case VOICEMAIL -> unanswered(random, clock, s, life, "no_answer", "machine");
            case NO_ANSWER -> unanswered(random, clock, s, life, "no_answer", null);
            case BUSY -> unanswered(random, clock, s, life, "busy", null);
            case CANCELED -> unanswered(random, clock, s, life, "canceled", null);
            default -> throw new IllegalStateException(ending.name());
        }
        return withWebhookDelivery(random, clock, life);
    }

    /**
     * Some of the lifecycle (at least one snapshot), plus, each with some chance, snapshots an upstream
     * can still produce: an unknown status, a second different terminal, equal updated_at with other
     * content, no updated_at, the same JSON with its keys in another order, unknown result and webhook
     * statuses, and JSON keys that look like separators.
     */
    static List<CallSnapshot> observed(Random random, UUID id, Instant createdAt) {
        List<CallSnapshot> life = lifecycle(random, id, createdAt);
        List<CallSnapshot> seen = new ArrayList<>();
        for (CallSnapshot s : life) {
            if (random.nextInt(10) < 7) {
                seen.add(s);
            }
        }
        if (seen.isEmpty()) {
            seen.add(pick(random, life));
        }
        CallSnapshot last = life.get(life.size() - 1);
        Instant end = last.updatedAt();

        if (chance(random)) {
            String unknown = pick(random, UNKNOWN_STATUSES);
            Instant at = createdAt.plusMillis(random.nextLong(end.toEpochMilli() - createdAt.toEpochMilli() + 5000));
            seen.add(next(pick(random, life), c -> {
                c.set(STATUS, unknown);
                c.set(UPDATED_AT, at);
            }));
        }
        if (chance(random) && CallLifecycle.isTerminal(last.status())) {
            List<String> others = new ArrayList<>(TERMINALS);
            others.remove(last.status());
            String other = pick(random, others);
            Instant at = last.updatedAt().plusMillis(random.nextInt(3) - 1);
            seen.add(next(last, c -> {
                c.set(STATUS, other);
                c.set(ERROR_CODE, "failed".equals(other) ? "provider_error" : c.get(ERROR_CODE));
                c.set(UPDATED_AT, at);
            }));
        }
        if (chance(random)) {
            seen.add(sameTimeOtherContent(random, pick(random, life)));
        }
        if (chance(random)) {
            seen.add(next(pick(random, life), c -> c.set(UPDATED_AT, null)));
        }
        if (chance(random)) {
            seen.add(next(pick(random, life), c -> {
                c.set(CONTEXT, reordered(c.get(CONTEXT)));
                c.set(METADATA, reordered(c.get(METADATA)));
                c.set(RESULT, reordered(c.get(RESULT)));
                c.set(RETURNS, reordered(c.get(RETURNS)));
            }));
        }
        if (chance(random)) {
            CallSnapshot base = pick(random, life);
            seen.add(next(base, c -> {
                c.set(RESULT_STATUS, UNKNOWN_RESULT_STATUS);
                c.set(UPDATED_AT, base.updatedAt().plusMillis(random.nextInt(2)));
            }));
        }
        if (chance(random)) {
            CallSnapshot base = pick(random, life);
            seen.add(next(base, c -> {
                c.set(WEBHOOK_STATUS, UNKNOWN_WEBHOOK_STATUS);
                c.set(UPDATED_AT, base.updatedAt().plusMillis(random.nextInt(3) - 1));
            }));
        }
        if (chance(random)) {
            // {"a":1,"b":2} and {"a=1, b":2}: different objects whose naive "k=v, k=v" texts are equal
            CallSnapshot base = pick(random, life);
            seen.add(next(
                    base, c -> c.set(METADATA, NODES.objectNode().put("a", 1).put("b", 2))));
            seen.add(next(base, c -> c.set(METADATA, NODES.objectNode().put("a=1, b", 2))));
        }
        return seen;
    }

    /** The same JSON with the members of every object in reverse order. */
    static JsonNode reordered(JsonNode node) {
        if (node == null || !node.isObject()) {
            return node;
        }
        List<Map.Entry<String, JsonNode>> members = new ArrayList<>();
        node.fields().forEachRemaining(members::add);
        Collections.reverse(members);
        ObjectNode copy = NODES.objectNode();
        members.forEach(m -> copy.set(m.getKey(), reordered(m.getValue())));
        return copy;
    }

    /** Every snapshot once or more, in a random order. */
    static List<CallSnapshot> shuffledWithDuplicates(Random random, List<CallSnapshot> snapshots) {
        List<CallSnapshot> arrivals = new ArrayList<>(snapshots);
        for (CallSnapshot s : snapshots) {
            while (random.nextInt(4) == 0) {
                arrivals.add(s);
            }
        }
        Collections.shuffle(arrivals, random);
        return arrivals;
    }

    private static void completed(Random random, Clock clock, CallSnapshot ringing, List<CallSnapshot> life) {
        CallSnapshot s = answered(clock, ringing);
        life.add(s);
        Instant endedAt = clock.tick();
        int duration = 5 + random.nextInt(300);
        s = next(s, c -> {
            c.set(STATUS, "completed");
            c.set(ENDED_AT, endedAt);
            c.set(DURATION_SECONDS, duration);
            c.set(HANGUP_CAUSE, random.nextBoolean() ? "caller_hangup" : "callee_hangup");
            c.set(UPDATED_AT, endedAt);
        });
        life.add(s);
        boolean extracted = random.nextInt(4) > 0;
        s = next(s, c -> {
            if (extracted) {
                c.set(RESULT_STATUS, "completed");
                c.set(
                        RESULT,
                        NODES.objectNode()
                                .put("confirmed", random.nextBoolean())
                                .put("new_time", random.nextBoolean() ? "10:15" : null)
                                .put("party_size", random.nextInt(6)));
            } else {
                c.set(RESULT_STATUS, "failed");
                c.set(RESULT_ERROR, "transcript too short to extract");
            }
            c.set(UPDATED_AT, clock.tick());
        });
        life.add(s);
        life.add(settled(clock, s, "settled", (duration + 59) / 60 * 60, ((duration + 59) / 60) * 5000L));
    }

    private static CallSnapshot answered(Clock clock, CallSnapshot ringing) {
        Instant answeredAt = clock.tick();
        return next(ringing, c -> {
            c.set(STATUS, "in_progress");
            c.set(ANSWERED_AT, answeredAt);
            c.set(ANSWERED_BY, "human");
            c.set(UPDATED_AT, answeredAt);
        });
    }

    private static void unanswered(
            Random random, Clock clock, CallSnapshot ringing, List<CallSnapshot> life, String status, String by) {
        Instant endedAt = clock.tick();
        CallSnapshot s = next(ringing, c -> {
            c.set(STATUS, status);
            c.set(ANSWERED_BY, by);
            c.set(ENDED_AT, endedAt);
            c.set(DURATION_SECONDS, 0);
            c.set(HANGUP_CAUSE, status);
            c.set(UPDATED_AT, endedAt);
        });
        life.add(s);
        if (random.nextBoolean()) {
            life.add(settled(clock, s, "released", 0, 0L));
        }
    }

    private static CallSnapshot failed(CallSnapshot s, Clock clock, String code) {
        Instant endedAt = clock.tick();
        return next(s, c -> {
            c.set(STATUS, "failed");
            c.set(ENDED_AT, endedAt);
            c.set(ERROR_CODE, code);
            c.set(ERROR_MESSAGE, "ai_error".equals(code) ? "model stopped responding" : "carrier rejected the call");
            c.set(RESERVATION_STATUS, "released");
            c.set(UPDATED_AT, endedAt);
        });
    }

    private static CallSnapshot settled(Clock clock, CallSnapshot s, String reservation, int billed, long milliCents) {
        return next(s, c -> {
            c.set(BILLED_DURATION_SECONDS, billed);
            c.set(BILLING_AMOUNT_MILLI_CENTS, milliCents);
            c.set(RESERVATION_STATUS, reservation);
            c.set(UPDATED_AT, clock.tick());
        });
    }

    /** The terminal webhook delivered or failed, and perhaps redelivered by hand: pending again, then delivered. */
    private static List<CallSnapshot> withWebhookDelivery(Random random, Clock clock, List<CallSnapshot> life) {
        CallSnapshot s = life.get(life.size() - 1);
        if (s.webhookUrl() == null) {
            return life;
        }
        boolean delivered = random.nextBoolean();
        s = next(s, c -> {
            c.set(WEBHOOK_STATUS, delivered ? "delivered" : "failed");
            c.set(WEBHOOK_ERROR, delivered ? null : "HTTP 503 after 8 attempts");
            c.set(UPDATED_AT, clock.tick());
        });
        life.add(s);
        if (random.nextInt(3) == 0) {
            s = next(s, c -> {
                c.set(WEBHOOK_STATUS, "pending");
                c.set(WEBHOOK_ERROR, null);
                c.set(UPDATED_AT, clock.tick());
            });
            life.add(s);
            life.add(next(s, c -> {
                c.set(WEBHOOK_STATUS, "delivered");
                c.set(UPDATED_AT, clock.tick());
            }));
        }
        return life;
    }

    private static CallSnapshot sameTimeOtherContent(Random random, CallSnapshot base) {
        return next(base, c -> {
            switch (random.nextInt(6)) {
                case 0 -> c.set(METADATA, ((ObjectNode) metadata(random)).put("attempt", 2));
                case 1 -> c.set(HANGUP_CAUSE, "network_error");
                case 2 -> c.set(WEBHOOK_STATUS, pick(random, List.of("none", "pending", "delivered", "failed")));
                case 3 -> c.set(RESULT_ERROR, "null");
                case 4 -> c.set(ERROR_MESSAGE, random.nextBoolean() ? "null" : "carrier said: null");
                default -> c.set(ANSWERED_BY, "unknown");
            }
        });
    }

    private static JsonNode context(Random random) {
        ObjectNode clinic = NODES.objectNode().put("id", 7).put("floor", 2);
        ObjectNode context = NODES.objectNode()
                .put("patient", "Ada Lovelace")
                .put("slot", "09:30")
                .put("vip", random.nextBoolean());
        context.set("clinic", clinic);
        return context;
    }

    private static JsonNode metadata(Random random) {
        return NODES.objectNode()
                .put("crm_id", "C-" + random.nextInt(1000))
                .put("campaign", "reminders")
                .put("attempt", 1)
                .put("score", 0.25);
    }

    private static JsonNode returnsSchema() {
        return NODES.objectNode()
                .put("confirmed", "boolean")
                .put("new_time", "string")
                .put("party_size", "number");
    }

    private static boolean chance(Random random) {
        return random.nextInt(10) < 3;
    }

    private static <T> T pick(Random random, List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    /** Upstream time: moves forward by a few milliseconds to seconds, with sub-microsecond noise the store drops. */
    private static final class Clock {
        private final Random random;
        private Instant now;

        Clock(Random random, Instant start) {
            this.random = random;
            this.now = start;
        }

        Instant tick() {
            now = now.plusMillis(1 + random.nextInt(4000)).plusNanos(random.nextInt(1000));
            return now;
        }
    }
}
