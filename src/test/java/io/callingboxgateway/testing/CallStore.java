package io.callingboxgateway.testing;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collection;
import java.util.UUID;

/**
 * Direct access to the call table for tests: seeding and changing rows the way reconciliation would,
 * without going through an API the read side does not have.
 */
@ApplicationScoped
public class CallStore {

    @Inject
    AgroalDataSource dataSource;

    public void clear() {
        execute("TRUNCATE call");
    }

    public void insert(TestCall... calls) {
        insert(Arrays.asList(calls));
    }

    /** One transaction, so a reader sees all of the calls or none. Safe to call from any thread. */
    public void insert(Collection<TestCall> calls) {
        QuarkusTransaction.requiringNew()
                .run(() -> calls.forEach(c -> c.entity().persist()));
    }

    /** What reconciliation does when a newer snapshot wins: new state, new updated_at, version + 1. */
    public void advance(UUID id, String status, Instant updatedAt) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE call SET status = ?, updated_at = ?, version = version + 1 WHERE id = ?")) {
            update.setString(1, status);
            update.setObject(2, updatedAt.atOffset(ZoneOffset.UTC));
            update.setObject(3, id);
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("no call " + id);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void execute(String sql) {
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
