package io.callingboxgateway.calls;

import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.reconcile.Call;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

/**
 * The keyset position after the last call of a page: (created_at, id) of that call.
 *
 * <p>On the wire it is opaque: a version byte, the position, a hash of the filter set it was issued
 * for and a MAC over all of it, base64url-encoded. The MAC is there so an edited or truncated cursor is
 * refused with a clear 400 instead of quietly paging from somewhere else; its key ({@link CursorKey}) is
 * the server's own, so a cursor cannot be forged.
 */
record CallCursor(Instant createdAt, UUID id) {

    private static final byte VERSION = 1;
    private static final int BODY_LENGTH = 1 + 8 + 16 + 8;
    private static final int MAC_LENGTH = 8;

    static CallCursor after(Call call) {
        return new CallCursor(call.snapshot().createdAt(), call.id());
    }

    String encode(CallFilter filter, CursorKey key) {
        ByteBuffer body = ByteBuffer.allocate(BODY_LENGTH + MAC_LENGTH)
                .put(VERSION)
                .putLong(ChronoUnit.MICROS.between(Instant.EPOCH, createdAt))
                .putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits())
                .put(filterHash(filter));
        body.put(key.mac(Arrays.copyOf(body.array(), BODY_LENGTH), MAC_LENGTH));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(body.array());
    }

    static CallCursor decode(String token, CallFilter filter, CursorKey key) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw invalid("cursor is not a cursor issued by this API");
        }
        if (raw.length == 0 || raw[0] != VERSION) {
            throw invalid("cursor is not a cursor issued by this API (unknown format or version)");
        }
        if (raw.length != BODY_LENGTH + MAC_LENGTH
                || !MessageDigest.isEqual(
                        key.mac(Arrays.copyOf(raw, BODY_LENGTH), MAC_LENGTH),
                        Arrays.copyOfRange(raw, BODY_LENGTH, raw.length))) {
            throw invalid("cursor was modified or truncated; use next_cursor exactly as returned");
        }
        ByteBuffer body = ByteBuffer.wrap(raw, 1, BODY_LENGTH - 1);
        Instant createdAt = Instant.EPOCH.plus(body.getLong(), ChronoUnit.MICROS);
        UUID id = new UUID(body.getLong(), body.getLong());
        // The MAC key is public, so a forged cursor can pass the MAC; its position must still be one
        // PostgreSQL can compare against, or the page query fails with a 500.
        if (!CallSnapshot.isStorable(createdAt)) {
            throw invalid("cursor is not a cursor issued by this API (position out of range)");
        }
        byte[] issuedFor = new byte[8];
        body.get(issuedFor);
        if (!MessageDigest.isEqual(issuedFor, filterHash(filter))) {
            throw invalid(
                    "cursor belongs to a different set of filters; send the same filters as the request that returned it");
        }
        return new CallCursor(createdAt, id);
    }

    private static ProblemException invalid(String detail) {
        return ProblemException.invalidParameter("cursor", detail);
    }

    private static byte[] filterHash(CallFilter filter) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(filter.fingerprint().getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(digest, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
