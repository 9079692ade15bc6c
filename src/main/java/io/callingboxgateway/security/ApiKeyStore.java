package io.callingboxgateway.security;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The per-request side of API keys: one indexed read by hash, and a write of {@code last_used_at} only
 * when the stored value is more than a minute old, so a busy key costs one write a minute, not one a
 * request. Plain JDBC: this runs on every authenticated request and needs no entity state.
 */
@ApplicationScoped
public class ApiKeyStore {

    static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    record Found(UUID id, List<String> scopes) {}

    private final AgroalDataSource dataSource;

    ApiKeyStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The key with this hash, recording its use; empty when no such key exists (never issued, or revoked). */
    Optional<Found> authenticate(byte[] keyHash) {
        try (Connection connection = dataSource.getConnection()) {
            Found found;
            Timestamp lastUsed;
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT id, scopes, last_used_at FROM api_key WHERE key_hash = ?")) {
                select.setBytes(1, keyHash);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    Array scopes = row.getArray(2);
                    found = new Found(row.getObject(1, UUID.class), Arrays.asList((String[]) scopes.getArray()));
                    lastUsed = row.getTimestamp(3);
                }
            }
            Instant now = Instant.now();
            if (lastUsed == null || lastUsed.toInstant().isBefore(now.minus(LAST_USED_RESOLUTION))) {
                touch(connection, found.id(), now);
            }
            return Optional.of(found);
        } catch (SQLException e) {
            throw new Unavailable(e);
        }
    }

    /** The database could not be asked; the caller gets 503, not a 401 that would look like a revoked key. */
    static final class Unavailable extends RuntimeException {
        Unavailable(SQLException cause) {
            super("could not look up an API key", cause);
        }
    }

    private static void touch(Connection connection, UUID id, Instant now) throws SQLException {
        // guarded, so replicas racing on the same key write once
        try (PreparedStatement update = connection.prepareStatement("UPDATE api_key SET last_used_at = ? WHERE id = ?"
                + " AND (last_used_at IS NULL OR last_used_at < ?)")) {
            update.setTimestamp(1, Timestamp.from(now));
            update.setObject(2, id);
            update.setTimestamp(3, Timestamp.from(now.minus(LAST_USED_RESOLUTION)));
            update.executeUpdate();
        }
    }
}
