package io.callingboxgateway.calls;

import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.model.CallingBoxValues;
import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.problem.RequestValues;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The filters of {@code GET /calls}, parsed and validated. Every parse failure names the parameter and
 * says what would have been accepted.
 */
public record CallFilter(
        List<String> statuses,
        String direction,
        String resultStatus,
        String webhookStatus,
        UUID agentId,
        String toNumber,
        String fromNumber,
        Instant createdAfter,
        Instant createdBefore,
        Instant updatedSince) {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");

    public static CallFilter parse(CallListParams p) {
        CallFilter fields = fields(p);
        CallFilter filter = new CallFilter(
                fields.statuses,
                fields.direction,
                fields.resultStatus,
                fields.webhookStatus,
                fields.agentId,
                fields.toNumber,
                fields.fromNumber,
                timestamp("created_after", p.createdAfter),
                timestamp("created_before", p.createdBefore),
                timestamp("updated_since", p.updatedSince));
        if (filter.createdAfter != null
                && filter.createdBefore != null
                && !filter.createdAfter.isBefore(filter.createdBefore)) {
            throw ProblemException.invalidParameter(
                    "created_before", "created_before must be later than created_after");
        }
        return filter;
    }

    /**
     * Only the filters on the call's own fields (no timestamps): what {@code /events} and subscriptions
     * accept besides {@code /calls}, validated with the same words.
     */
    public static CallFilter fields(CallFieldParams p) {
        List<String> statuses = new ArrayList<>(new TreeSet<>(p.status == null ? List.of() : p.status));
        statuses.forEach(s -> documented("status", s, CallingBoxValues.STATUSES));
        return new CallFilter(
                List.copyOf(statuses),
                documented("direction", p.direction, CallingBoxValues.DIRECTIONS),
                documented("result_status", p.resultStatus, CallingBoxValues.RESULT_STATUSES),
                documented("webhook_status", p.webhookStatus, CallingBoxValues.WEBHOOK_STATUSES),
                RequestValues.uuid("agent_id", p.agentId),
                phone("to_number", p.toNumber),
                phone("from_number", p.fromNumber),
                null,
                null,
                null);
    }

    /**
     * A canonical text of the filter set. A cursor carries its hash, so a cursor issued for one set of
     * filters is refused with another instead of silently paging through the wrong result.
     */
    String fingerprint() {
        return String.join(
                "|",
                String.join(",", statuses),
                Objects.toString(direction, ""),
                Objects.toString(resultStatus, ""),
                Objects.toString(webhookStatus, ""),
                Objects.toString(agentId, ""),
                Objects.toString(toNumber, ""),
                Objects.toString(fromNumber, ""),
                Objects.toString(createdAfter, ""),
                Objects.toString(createdBefore, ""),
                Objects.toString(updatedSince, ""));
    }

    private static String documented(String name, String value, List<String> valid) {
        if (value == null) {
            return null;
        }
        if (!valid.contains(value)) {
            throw ProblemException.invalidParameter(
                    name,
                    "%s '%s' is not a CallingBox value; valid values: %s"
                            .formatted(name, RequestValues.echo(value), String.join(", ", valid)));
        }
        return value;
    }

    private static String phone(String name, String value) {
        if (value == null) {
            return null;
        }
        // An unencoded '+' in a query string arrives as a space; accept it rather than puzzle the caller.
        String candidate = value.startsWith(" ") ? "+" + value.substring(1) : value;
        if (!E164.matcher(candidate).matches()) {
            throw ProblemException.invalidParameter(
                    name,
                    "%s must be an E.164 number such as +15551234567 (encode '+' as %%2B in a URL)".formatted(name));
        }
        return candidate;
    }

    /**
     * An ISO 8601 (RFC 3339) timestamp with an offset, or null when absent; a problem naming the
     * parameter otherwise. Shared with the time windows of {@code /events} and replays.
     */
    public static Instant timestamp(String name, String value) {
        if (value == null) {
            return null;
        }
        Instant parsed;
        try {
            // As with phone numbers: the '+' of an unencoded offset such as +02:00 arrives as a space.
            parsed = OffsetDateTime.parse(value.replace(' ', '+')).toInstant();
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidParameter(
                    name,
                    "%s '%s' is not an ISO 8601 timestamp with an offset, such as 2026-04-16T12:00:00Z"
                            .formatted(name, RequestValues.echo(value)));
        }
        // Java reads years up to 999999999; a comparison PostgreSQL cannot evaluate would be a 500.
        if (!CallSnapshot.isStorable(parsed)) {
            throw ProblemException.invalidParameter(
                    name,
                    "%s '%s' lies outside the dates this API stores (4714 BC to 294276 AD)"
                            .formatted(name, RequestValues.echo(value)));
        }
        return parsed;
    }
}
