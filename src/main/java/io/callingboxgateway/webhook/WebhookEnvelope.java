package io.callingboxgateway.webhook;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.model.CallSnapshot;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What CallingBox POSTs: {@code {"id", "type", "created", "api_version", "data": {"call": {...}}}}. The
 * call object is the truth; {@code type} only names the moment it was sent, so a type CallingBox adds
 * later is applied like any other. CallingBox adds fields over time, so unknown ones are ignored here,
 * while the gateway refuses them in its own request bodies.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WebhookEnvelope(UUID id, String type, Long created, String apiVersion, Data data) {

    /** The event types CallingBox documents today. */
    public static final List<String> TYPES = List.of(
            "call.queued",
            "call.ringing",
            "call.answered",
            "call.completed",
            "call.failed",
            "call.no_answer",
            "call.busy",
            "call.canceled");

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Data(CallSnapshot call) {}

    public CallSnapshot call() {
        return data.call();
    }

    /**
     * Reads an envelope from bytes whose signature has been verified.
     *
     * @throws io.callingboxgateway.problem.ProblemException 400 saying what is wrong, in the envelope's
     *     own field names and never in Jackson's words
     */
    static WebhookEnvelope parse(ObjectMapper json, byte[] body) {
        if (body.length == 0) {
            throw WebhookProblems.malformed("the body is empty");
        }
        WebhookEnvelope envelope;
        try {
            // Read as a tree first, so data.call is kept exactly as sent beside the bound fields
            JsonNode tree = json.readTree(body);
            envelope = tree == null
                    ? null
                    : json.readerFor(WebhookEnvelope.class)
                            .with(CallSnapshot.asReceived(tree.path("data").path("call")))
                            .treeToValue(tree, WebhookEnvelope.class);
        } catch (DatabindException e) {
            String path = pathOf(e);
            throw WebhookProblems.malformed(
                    path.isEmpty()
                            ? "the body is not a CallingBox webhook envelope (a JSON object)"
                            : path + " has a value of the wrong type or format");
        } catch (JsonProcessingException e) {
            throw WebhookProblems.malformed("the body is not valid JSON");
        } catch (IOException e) {
            throw WebhookProblems.malformed("the body could not be read as JSON");
        }
        if (envelope == null) {
            throw WebhookProblems.malformed("the body is not a CallingBox webhook envelope (a JSON object)");
        }
        String missing = envelope.missingRequiredField();
        if (missing != null) {
            throw WebhookProblems.malformed(missing + " is missing");
        }
        String unstorable = envelope.data().call().unstorableField();
        if (unstorable != null) {
            throw WebhookProblems.malformed("data.call." + unstorable + ", so the call cannot be stored");
        }
        return envelope;
    }

    /** The first required field that is absent, as a path in the envelope, or null. */
    String missingRequiredField() {
        if (id == null) return "id";
        if (type == null || type.isBlank()) return "type";
        if (data == null || data.call() == null) return "data.call";
        String callField = data.call().missingRequiredField();
        return callField == null ? null : "data.call." + callField;
    }

    private static String pathOf(DatabindException e) {
        if (!(e instanceof JsonMappingException mapping)) {
            return "";
        }
        return mapping.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }
}
