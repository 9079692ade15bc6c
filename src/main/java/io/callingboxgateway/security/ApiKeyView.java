package io.callingboxgateway.security;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A key as {@code GET /api-keys} lists it: no key material. */
public record ApiKeyView(UUID id, String name, List<String> scopes, Instant createdAt, Instant lastUsedAt) {

    static ApiKeyView of(ApiKey key) {
        return new ApiKeyView(key.id, key.name, key.scopes, key.createdAt, key.lastUsedAt);
    }
}
