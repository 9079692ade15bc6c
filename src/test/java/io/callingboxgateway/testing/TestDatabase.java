package io.callingboxgateway.testing;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Plain JDBC on the application's data source, for what tests observe or arrange beside the API: row
 * counts, stored bytes, the committed counter, the retention floor, lock waits. The one way tests reach
 * the database directly; usable from any thread, without a request context or a transaction.
 */
@Singleton
public class TestDatabase {

    /** Reads one row of a result; the cursor is already on it. */
    @FunctionalInterface
    public interface Row<T> {
        T read(ResultSet row) throws SQLException;
    }

    private final DataSource dataSource;

    @Inject
    public TestDatabase(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The id of the newest committed event. */
    public long head() {
        return queryLong("select last_id from event_sequence");
    }

    /** Every event at or below this id was deleted by retention. */
    public long deletedThrough() {
        return queryLong("select deleted_through from event_retention");
    }

    /** Backends of this database waiting for a lock while running a statement that contains the text. */
    public long waitingOnLock(String statementPart) {
        return queryLong(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like ?",
                "%" + statementPart + "%");
    }

    /** Makes the events up to this id look as old as the given number of days (test setup only). */
    public int ageEventsThrough(long id, int days) {
        return update("update call_event set occurred_at = now() - make_interval(days => ?) where id <= ?", days, id);
    }

    /** The first column of the one row the query answers, e.g. a {@code count(*)}. */
    public long queryLong(String sql, Object... params) {
        return queryOne(sql, row -> row.getLong(1), params);
    }

    /** The first column of the one row the query answers, as bytes (a key, a ciphertext). */
    public byte[] queryBytes(String sql, Object... params) {
        return queryOne(sql, row -> row.getBytes(1), params);
    }

    /** The one row the query answers; fails the test when there is none. */
    public <T> T queryOne(String sql, Row<T> reader, Object... params) {
        List<T> rows = query(sql, reader, params);
        if (rows.isEmpty()) {
            throw new AssertionError("no row for: " + sql);
        }
        return rows.get(0);
    }

    /** Every row the query answers, in its order. */
    public <T> List<T> query(String sql, Row<T> reader, Object... params) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = prepare(connection, sql, params);
                ResultSet rows = statement.executeQuery()) {
            List<T> read = new ArrayList<>();
            while (rows.next()) {
                read.add(reader.read(rows));
            }
            return read;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs one statement in its own transaction; answers the rows it changed. */
    public int update(String sql, Object... params) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = prepare(connection, sql, params)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A connection in its own open transaction; the caller rolls it back to release what it locked. */
    public Connection openTransaction() {
        try {
            Connection connection = dataSource.getConnection();
            connection.setAutoCommit(false);
            return connection;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A pooled connection the caller closes, for a test that holds one across several statements. */
    public Connection connection() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PreparedStatement prepare(Connection connection, String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }
}
