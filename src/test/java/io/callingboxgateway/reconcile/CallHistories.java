package io.callingboxgateway.reconcile;

import static io.callingboxgateway.reconcile.CallSnapshotBuilder.next;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callingboxgateway.model.CallLifecycle;
import io.callingboxgateway.model.CallSnapshot;
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
        CallSnapshot s = CallSnapshotBuilder.queued(id, createdAt)
                .with(c -> {
                    c.context = context(random);
                    c.metadata = metadata(random);
                    c.returns = returnsSchema();
                    if (!hasWebhook) {
                        c.webhookUrl = null;
                        c.webhookStatus = "none";
                    }
                })
                .build();
        life.add(s);
        s = next(s, c -> {
            c.status = "initiated";
            c.updatedAt = clock.tick();
        });
        life.add(s);

        Ending ending = Ending.values()[random.nextInt(Ending.values().length)];
        if (ending == Ending.FAILED_BEFORE_RINGING) {
            life.add(failed(s, clock, "provider_error"));
            return withWebhookDelivery(random, clock, life);
        }
        Instant ringingAt = clock.tick();
        s = next(s, c -> {
            c.status = "ringing";
            c.startedAt = ringingAt;
            c.updatedAt = ringingAt;
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
                c.status = unknown;
                c.updatedAt = at;
            }));
        }
        if (chance(random) && CallLifecycle.isTerminal(last.status())) {
            List<String> others = new ArrayList<>(TERMINALS);
            others.remove(last.status());
            String other = pick(random, others);
            Instant at = last.updatedAt().plusMillis(random.nextInt(3) - 1);
            seen.add(next(last, c -> {
                c.status = other;
                c.errorCode = "failed".equals(other) ? "provider_error" : c.errorCode;
                c.updatedAt = at;
            }));
        }
        if (chance(random)) {
            seen.add(sameTimeOtherContent(random, pick(random, life)));
        }
        if (chance(random)) {
            seen.add(next(pick(random, life), c -> c.updatedAt = null));
        }
        if (chance(random)) {
            seen.add(next(pick(random, life), c -> {
                c.context = reordered(c.context);
                c.metadata = reordered(c.metadata);
                c.result = reordered(c.result);
                c.returns = reordered(c.returns);
            }));
        }
        if (chance(random)) {
            CallSnapshot base = pick(random, life);
            seen.add(next(base, c -> {
                c.resultStatus = UNKNOWN_RESULT_STATUS;
                c.updatedAt = base.updatedAt().plusMillis(random.nextInt(2));
            }));
        }
        if (chance(random)) {
            CallSnapshot base = pick(random, life);
            seen.add(next(base, c -> {
                c.webhookStatus = UNKNOWN_WEBHOOK_STATUS;
                c.updatedAt = base.updatedAt().plusMillis(random.nextInt(3) - 1);
            }));
        }
        if (chance(random)) {
            // {"a":1,"b":2} and {"a=1, b":2}: different objects whose naive "k=v, k=v" texts are equal
            CallSnapshot base = pick(random, life);
            seen.add(next(base, c -> c.metadata = NODES.objectNode().put("a", 1).put("b", 2)));
            seen.add(next(base, c -> c.metadata = NODES.objectNode().put("a=1, b", 2)));
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
            c.status = "completed";
            c.endedAt = endedAt;
            c.durationSeconds = duration;
            c.hangupCause = random.nextBoolean() ? "caller_hangup" : "callee_hangup";
            c.updatedAt = endedAt;
        });
        life.add(s);
        boolean extracted = random.nextInt(4) > 0;
        s = next(s, c -> {
            if (extracted) {
                c.resultStatus = "completed";
                c.result = NODES.objectNode()
                        .put("confirmed", random.nextBoolean())
                        .put("new_time", random.nextBoolean() ? "10:15" : null)
                        .put("party_size", random.nextInt(6));
            } else {
                c.resultStatus = "failed";
                c.resultError = "transcript too short to extract";
            }
            c.updatedAt = clock.tick();
        });
        life.add(s);
        life.add(settled(clock, s, "settled", (duration + 59) / 60 * 60, ((duration + 59) / 60) * 5000L));
    }

    private static CallSnapshot answered(Clock clock, CallSnapshot ringing) {
        Instant answeredAt = clock.tick();
        return next(ringing, c -> {
            c.status = "in_progress";
            c.answeredAt = answeredAt;
            c.answeredBy = "human";
            c.updatedAt = answeredAt;
        });
    }

    private static void unanswered(
            Random random, Clock clock, CallSnapshot ringing, List<CallSnapshot> life, String status, String by) {
        Instant endedAt = clock.tick();
        CallSnapshot s = next(ringing, c -> {
            c.status = status;
            c.answeredBy = by;
            c.endedAt = endedAt;
            c.durationSeconds = 0;
            c.hangupCause = status;
            c.updatedAt = endedAt;
        });
        life.add(s);
        if (random.nextBoolean()) {
            life.add(settled(clock, s, "released", 0, 0L));
        }
    }

    private static CallSnapshot failed(CallSnapshot s, Clock clock, String code) {
        Instant endedAt = clock.tick();
        return next(s, c -> {
            c.status = "failed";
            c.endedAt = endedAt;
            c.errorCode = code;
            c.errorMessage = "ai_error".equals(code) ? "model stopped responding" : "carrier rejected the call";
            c.reservationStatus = "released";
            c.updatedAt = endedAt;
        });
    }

    private static CallSnapshot settled(Clock clock, CallSnapshot s, String reservation, int billed, long milliCents) {
        return next(s, c -> {
            c.billedDurationSeconds = billed;
            c.billingAmountMilliCents = milliCents;
            c.reservationStatus = reservation;
            c.updatedAt = clock.tick();
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
            c.webhookStatus = delivered ? "delivered" : "failed";
            c.webhookError = delivered ? null : "HTTP 503 after 8 attempts";
            c.updatedAt = clock.tick();
        });
        life.add(s);
        if (random.nextInt(3) == 0) {
            s = next(s, c -> {
                c.webhookStatus = "pending";
                c.webhookError = null;
                c.updatedAt = clock.tick();
            });
            life.add(s);
            life.add(next(s, c -> {
                c.webhookStatus = "delivered";
                c.updatedAt = clock.tick();
            }));
        }
        return life;
    }

    private static CallSnapshot sameTimeOtherContent(Random random, CallSnapshot base) {
        return next(base, c -> {
            switch (random.nextInt(6)) {
                case 0 -> c.metadata = ((ObjectNode) metadata(random)).put("attempt", 2);
                case 1 -> c.hangupCause = "network_error";
                case 2 -> c.webhookStatus = pick(random, List.of("none", "pending", "delivered", "failed"));
                case 3 -> c.resultError = "null";
                case 4 -> c.errorMessage = random.nextBoolean() ? "null" : "carrier said: null";
                default -> c.answeredBy = "unknown";
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
