package io.callingboxgateway.webhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Row counts read straight from the database, to prove what a request did or did not store. */
record StoreRows(long calls, long events, long receipts) {

    static StoreRows count(DataSource db) {
        return new StoreRows(
                scalar(db, "select count(*) from call"),
                scalar(db, "select count(*) from call_event"),
                scalar(db, "select count(*) from webhook_receipt"));
    }

    static long scalar(DataSource db, String sql, Object... params) {
        try (Connection c = db.getConnection();
                PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void execute(DataSource db, String sql, Object... params) {
        try (Connection c = db.getConnection();
                PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
