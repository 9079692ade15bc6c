package io.callingboxgateway.model;

import java.util.List;

/**
 * The enumerated values CallingBox documents today. Filters accept only these; stored calls may hold
 * newer ones, which the store keeps as they came.
 */
public final class CallingBoxValues {

    public static final List<String> STATUSES = CallStatus.WIRE_NAMES;
    public static final List<String> DIRECTIONS = List.of("outbound", "inbound");
    public static final List<String> RESULT_STATUSES = List.of("pending", "completed", "failed");
    public static final List<String> WEBHOOK_STATUSES = List.of("none", "pending", "delivered", "failed");

    private CallingBoxValues() {}
}
