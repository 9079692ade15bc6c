package io.callingboxgateway.events;

import io.agroal.api.AgroalDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Plain JDBC on the application's data source, for what tests observe beside the API: the committed
 * counter, the retention floor, lock waits. Usable from any thread, without a request context.
 */
final class TestDatabase {

    private final AgroalDataSource dataSource;

    TestDatabase(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The id of the newest committed event. */
    long head() {
        return queryLong("select last_id from event_sequence");
    }

    /** Every event at or below this id was deleted by retention. */
    long deletedThrough() {
        return queryLong("select deleted_through from event_retention");
    }

    /** Backends of this database waiting for a lock while running a statement that contains the text. */
    long waitingOnLock(String statementPart) {
        return queryLong(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like ?",
                "%" + statementPart + "%");
    }

    /** Makes the events up to this id look as old as the given number of days (test setup only). */
    int ageEventsThrough(long id, int days) {
        return update("update call_event set occurred_at = now() - make_interval(days => ?) where id <= ?", days, id);
    }

    long queryLong(String sql, Object... params) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = prepare(connection, sql, params);
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    int update(String sql, Object... params) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = prepare(connection, sql, params)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A connection in its own open transaction; the caller rolls it back to release what it locked. */
    Connection openTransaction() {
        try {
            Connection connection = dataSource.getConnection();
            connection.setAutoCommit(false);
            return connection;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static PreparedStatement prepare(Connection connection, String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }
}
