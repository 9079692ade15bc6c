package io.callingboxgateway.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** The body of {@code POST /v1/calls} (agent generation), checked as CallingBox documents it. */
record CallRequest(
        UUID agentId,
        String to,
        String fromNumber,
        String instructions,
        JsonNode context,
        JsonNode metadata,
        String webhookUrl) {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");

    /** Set on the agent, never on a call. */
    private static final List<String> AGENT_FIELDS =
            List.of("persona", "voice", "language", "returns", "tools", "voicemail_action");

    static CallRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw CallingBoxError.badRequest("request body must be a JSON object");
        }
        for (String field : AGENT_FIELDS) {
            if (body.has(field)) {
                throw CallingBoxError.badRequest(field + " is set on the agent, not on a call");
            }
        }
        String agent = requiredText(body, "agent_id");
        UUID agentId;
        try {
            agentId = UUID.fromString(agent);
        } catch (IllegalArgumentException e) {
            throw CallingBoxError.badRequest("agent_id must be a UUID");
        }
        String to = requiredText(body, "to");
        if (!E164.matcher(to).matches()) {
            throw CallingBoxError.badRequest("to must be an E.164 phone number such as +15551234567");
        }
        String from = optionalText(body, "from_number");
        if (from != null && !E164.matcher(from).matches()) {
            throw CallingBoxError.badRequest("from_number must be an E.164 phone number such as +15551234567");
        }
        String webhookUrl = optionalText(body, "webhook_url");
        if (webhookUrl != null && !isHttpUrl(webhookUrl)) {
            throw CallingBoxError.badRequest("webhook_url must be an absolute http or https URL");
        }
        return new CallRequest(
                agentId,
                to,
                from,
                optionalText(body, "instructions"),
                optionalObject(body, "context"),
                optionalObject(body, "metadata"),
                webhookUrl);
    }

    private static String requiredText(JsonNode body, String field) {
        String value = optionalText(body, field);
        if (value == null || value.isBlank()) {
            throw CallingBoxError.badRequest(field + " is required");
        }
        return value;
    }

    private static String optionalText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw CallingBoxError.badRequest(field + " must be a string");
        }
        return value.textValue();
    }

    private static JsonNode optionalObject(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw CallingBoxError.badRequest(field + " must be a JSON object");
        }
        return value;
    }

    private static boolean isHttpUrl(String text) {
        try {
            URI uri = new URI(text);
            return uri.isAbsolute()
                    && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }
}
