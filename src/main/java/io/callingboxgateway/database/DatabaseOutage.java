package io.callingboxgateway.database;

import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.RollbackException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import javax.transaction.xa.XAException;
import org.hibernate.exception.JDBCConnectionException;

/**
 * Tells a failure that trying again later can cure (the database unreachable, restarting, overloaded,
 * a lock or statement timeout, a deadlock, a failover to a read-only node, a commit whose outcome is
 * unknown) from a statement the database refused for good. Only the first is worth a 503 and a
 * redelivery: webhooks are deduplicated by envelope id, so a redelivery of one that did commit after
 * all changes nothing. The second is a bug and must surface as one.
 */
public final class DatabaseOutage {

    /**
     * Agroal's plain SQLException when no connection could be had in time; it carries no SQL state.
     * Agroal 2 says "Sorry, acquisition timeout!", Agroal 3 "Acquisition timeout while waiting for new
     * connection" (caused by a TimeoutException).
     */
    private static final List<String> AGROAL_ACQUISITION_TIMEOUTS =
            List.of("Sorry, acquisition timeout", "Acquisition timeout");

    /**
     * SQL states outside classes 08 and 57P that name a passing condition: 55P03 lock_not_available
     * (lock_timeout), 57014 query_canceled (statement_timeout), 40001 serialization_failure, 40P01
     * deadlock_detected, 40003 statement_completion_unknown, 25006 read_only_sql_transaction (a
     * failover left us on a standby), 25P03 idle_in_transaction_session_timeout, 53300
     * too_many_connections.
     */
    private static final Set<String> TRANSIENT_STATES =
            Set.of("55P03", "57014", "40001", "40P01", "40003", "25006", "25P03", "53300");

    private static final int MAX_CAUSES = 32;

    private DatabaseOutage() {}

    public static boolean isCauseOf(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (t instanceof JDBCConnectionException
                    || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException
                    || commitOutcomeUnknown(t)) {
                return true;
            }
            if (t instanceof SQLException sql && (transientState(sql.getSQLState()) || acquisitionTimeout(sql))) {
                return true;
            }
        }
        return false;
    }

    /** SQL state class 08 (connection exception), 57P (server shutting down or starting up), and the rest. */
    static boolean transientState(String sqlState) {
        return sqlState != null
                && (sqlState.startsWith("08") || sqlState.startsWith("57P") || TRANSIENT_STATES.contains(sqlState));
    }

    /**
     * The transaction manager's verdict on a commit that did not go through: the connection broke while
     * committing, or the transaction outlived its timeout and was rolled back. A statement PostgreSQL
     * refused does not end up here: its own exception leaves the transactional method, which rolls back
     * instead of committing. (Code that swallowed such an exception and committed anyway would be retried
     * as a 503 and show in the warnings; the gateway has none.)
     */
    private static boolean commitOutcomeUnknown(Throwable t) {
        return t instanceof RollbackException
                || t instanceof HeuristicMixedException
                || t instanceof HeuristicRollbackException
                || t instanceof XAException;
    }

    private static boolean acquisitionTimeout(SQLException e) {
        return e.getSQLState() == null
                && (e.getCause() instanceof TimeoutException
                        || (e.getMessage() != null
                                && AGROAL_ACQUISITION_TIMEOUTS.stream().anyMatch(e.getMessage()::startsWith)));
    }
}
