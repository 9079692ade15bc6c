package io.callingboxgateway.webhook;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.hibernate.exception.JDBCConnectionException;

/**
 * Tells a database that cannot be reached from a database that refused a statement. Only the first is
 * worth a 503 and a redelivery; the second is a bug and must surface as one.
 */
final class DatabaseOutage {

    /** Agroal's plain SQLException when no connection could be had in time; it carries no SQL state. */
    private static final String AGROAL_ACQUISITION_TIMEOUT = "Sorry, acquisition timeout";

    private static final int MAX_CAUSES = 32;

    private DatabaseOutage() {}

    static boolean isCauseOf(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (t instanceof JDBCConnectionException
                    || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && (connectionState(sql.getSQLState()) || acquisitionTimeout(sql))) {
                return true;
            }
        }
        return false;
    }

    /** SQL state class 08 (connection exception) and 57P (server shutting down or starting up). */
    private static boolean connectionState(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("57P"));
    }

    private static boolean acquisitionTimeout(SQLException e) {
        return e.getMessage() != null && e.getMessage().startsWith(AGROAL_ACQUISITION_TIMEOUT);
    }
}
