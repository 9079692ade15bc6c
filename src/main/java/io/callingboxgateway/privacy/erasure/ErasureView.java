package io.callingboxgateway.privacy.erasure;

import java.time.Instant;
import java.util.UUID;

/**
 * The audit record of one erasure request, as {@code POST /erasures} answers it and {@code GET /erasures}
 * lists it. It never holds the phone number asked about: for a number, {@code number_hash} is an
 * HMAC-SHA256 of it under a key the gateway keeps, which recognises a repeated request
 * ({@code repeat_of}) without telling the number.
 *
 * @param kind {@code phone_number} or {@code call_id}: what was asked
 * @param numberHash hex HMAC-SHA256 of the number, for {@code phone_number}
 * @param callId the call asked about, for {@code call_id}
 * @param repeatOf the first earlier request for the same number or call, if any
 * @param requestedBy the credential that asked (its name, never a key)
 */
public record ErasureView(
        UUID id,
        String kind,
        String numberHash,
        UUID callId,
        UUID repeatOf,
        int calls,
        int events,
        int decisions,
        int receipts,
        int transcripts,
        int deliveries,
        Instant requestedAt,
        Instant completedAt,
        String requestedBy) {}
