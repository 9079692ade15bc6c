package io.callingboxgateway.security;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The answer to {@code POST /api-keys}: the only time the key itself is shown. */
public record CreatedApiKey(UUID id, String name, List<String> scopes, String key, Instant createdAt) {}
