package io.callingboxgateway.calls;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * The raw query parameters of {@code GET /calls}. They arrive as text so that a malformed value gets a
 * precise problem answer from {@link CallFilter} instead of the framework's generic 404.
 */
public class CallListParams {

    @RestQuery
    @Parameter(description = "Call status; repeat the parameter to match any of several.")
    public List<String> status;

    @RestQuery
    @Parameter(description = "outbound or inbound.")
    public String direction;

    @RestQuery("result_status")
    @Parameter(description = "pending, completed or failed.")
    public String resultStatus;

    @RestQuery("webhook_status")
    @Parameter(description = "none, pending, delivered or failed.")
    public String webhookStatus;

    @RestQuery("agent_id")
    @Parameter(description = "UUID of the CallingBox agent.")
    public String agentId;

    @RestQuery("to_number")
    @Parameter(description = "E.164 destination number; encode '+' as %2B.")
    public String toNumber;

    @RestQuery("from_number")
    @Parameter(description = "E.164 caller ID; encode '+' as %2B.")
    public String fromNumber;

    @RestQuery("created_after")
    @Parameter(description = "Only calls created strictly after this ISO 8601 timestamp.")
    public String createdAfter;

    @RestQuery("created_before")
    @Parameter(description = "Only calls created strictly before this ISO 8601 timestamp.")
    public String createdBefore;

    @RestQuery("updated_since")
    @Parameter(description = "Only calls whose upstream updated_at is at or after this ISO 8601 timestamp.")
    public String updatedSince;

    @RestQuery
    @Parameter(description = "Page size, 1 to 200; default 50.")
    public String limit;

    @RestQuery
    @Parameter(description = "The next_cursor of the previous page; send the same filters with it.")
    public String cursor;
}
