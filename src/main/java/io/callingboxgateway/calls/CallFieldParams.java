package io.callingboxgateway.calls;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * The query parameters that test a call's own fields, as text. {@code GET /calls} takes them (in
 * {@link CallListParams}), and so do {@code /events} and {@code /events/stream}, which test the call as
 * it stood right after each event: one set of names, parsed and validated in one place
 * ({@link CallFilter#fields}).
 */
public class CallFieldParams {

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
}
