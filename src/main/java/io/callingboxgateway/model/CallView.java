package io.callingboxgateway.model;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Map;

/**
 * A reconciled call as internal consumers see it: the CallingBox call object, spelled exactly as the
 * CallingBox docs spell it, plus the gateway's own {@code reconciliation} facts.
 *
 * <p>The object as received ({@link CallSnapshot#raw()}) completes it (docs/decisions/0056): every
 * top-level field CallingBox sent that this gateway does not know is served as sent, and a documented
 * field bound as null because its shape did not fit is served with the value as sent, when the object
 * kept is the one the documented fields came from (same {@code updated_at}).
 *
 * <p>A {@link #masked()} view is masked after that merge, so no value received escapes the mask.
 */
@JsonSerialize(using = CallView.AsSent.class)
public record CallView(@JsonUnwrapped CallSnapshot call, Reconciliation reconciliation, boolean redacted) {

    public CallView(CallSnapshot call, Reconciliation reconciliation) {
        this(call, reconciliation, false);
    }

    /** This call as a reader without {@code pii:read} sees it ({@link Redaction}). */
    public CallView masked() {
        return new CallView(call, reconciliation, true);
    }

    /**
     * What the gateway itself knows about a call. {@code result_expected} is false once a call has
     * ended without a conversation: CallingBox then leaves {@code result_status} pending forever, and
     * consumers should not wait for it.
     */
    public record Reconciliation(
            String firstSeenVia,
            Instant firstSeenAt,
            Instant lastWebhookAt,
            Instant lastPolledAt,
            boolean resultExpected) {}

    /** The view of a stored call: its snapshot and how the gateway learned of it. */
    public static CallView of(
            CallSnapshot snapshot,
            String firstSeenVia,
            Instant firstSeenAt,
            Instant lastWebhookAt,
            Instant lastPolledAt) {
        return new CallView(
                snapshot,
                new Reconciliation(
                        firstSeenVia,
                        firstSeenAt,
                        lastWebhookAt,
                        lastPolledAt,
                        CallLifecycle.resultExpected(snapshot)));
    }

    /** The call's documented fields, then what only the received object has, then {@code reconciliation}. */
    public static final class AsSent extends StdSerializer<CallView> {

        public AsSent() {
            super(CallView.class);
        }

        @Override
        public void serialize(CallView view, JsonGenerator gen, SerializerProvider provider) throws IOException {
            ObjectMapper json = (ObjectMapper) gen.getCodec();
            ObjectNode out = json.valueToTree(view.call());
            JsonNode raw = view.call().raw();
            if (raw != null && raw.isObject()) {
                boolean sameSnapshot =
                        sameInstant(raw.get("updated_at"), view.call().updatedAt());
                for (Iterator<Map.Entry<String, JsonNode>> fields = raw.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    String name = field.getKey();
                    if (name.equals("reconciliation")) {
                        continue; // the gateway's own facts are never shadowed by an upstream field
                    }
                    JsonNode ours = out.get(name);
                    if (ours == null) {
                        out.set(name, field.getValue());
                    } else if (ours.isNull() && !field.getValue().isNull() && sameSnapshot) {
                        out.set(name, field.getValue());
                    }
                }
            }
            out.set("reconciliation", json.valueToTree(view.reconciliation()));
            gen.writeTree(view.redacted() ? Redaction.call(out) : out);
        }

        private static boolean sameInstant(JsonNode sent, Instant stored) {
            if (sent == null || !sent.isTextual() || stored == null) {
                return false;
            }
            try {
                return OffsetDateTime.parse(sent.textValue())
                        .toInstant()
                        .truncatedTo(ChronoUnit.MICROS)
                        .equals(stored);
            } catch (DateTimeParseException e) {
                return false;
            }
        }
    }
}
