package io.callingboxgateway.keys;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Keys the gateway generates once and keeps in PostgreSQL, so that every replica uses the same one.
 * Only for keys an operator has not configured: the first replica to ask creates the key, the others
 * read it.
 */
@ApplicationScoped
public class SharedKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataSource dataSource;

    SharedKeys(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The key stored under this name, created with {@code length} random bytes if there is none yet. */
    public byte[] getOrCreate(String name, int length) {
        byte[] fresh = new byte[length];
        RANDOM.nextBytes(fresh);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO gateway_key (name, secret) VALUES (?, ?) ON CONFLICT (name) DO NOTHING");
                PreparedStatement select =
                        connection.prepareStatement("SELECT secret FROM gateway_key WHERE name = ?")) {
            insert.setString(1, name);
            insert.setBytes(2, fresh);
            insert.executeUpdate();
            select.setString(1, name);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getBytes(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read or create the gateway key '" + name + "'", e);
        }
    }
}
