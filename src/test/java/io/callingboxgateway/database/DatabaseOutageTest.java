package io.callingboxgateway.database;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.persistence.PersistenceException;
import jakarta.transaction.RollbackException;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.transaction.xa.XAException;
import org.hibernate.exception.ConstraintViolationException;
import org.hibernate.exception.GenericJDBCException;
import org.hibernate.exception.JDBCConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/** The exceptions below are the ones the driver, the pool and Hibernate really throw for each case. */
class DatabaseOutageTest {

    @Test
    void poolGivingUpWaitingForAConnectionIsAnOutage() {
        SQLException agroal = new SQLException("Sorry, acquisition timeout!");

        assertTrue(DatabaseOutage.isCauseOf(new GenericJDBCException("Unable to acquire JDBC Connection", agroal)));
        SQLException agroal3 = new SQLException(
                "Acquisition timeout while waiting for new connection", new java.util.concurrent.TimeoutException());
        assertTrue(DatabaseOutage.isCauseOf(new GenericJDBCException("Unable to acquire JDBC Connection", agroal3)));
    }

    @Test
    void lostConnectionIsAnOutage() {
        PSQLException io = new PSQLException(
                "An I/O error occurred while sending to the backend.",
                PSQLState.CONNECTION_FAILURE,
                new SocketException("Connection reset"));

        assertTrue(DatabaseOutage.isCauseOf(new PersistenceException(new JDBCConnectionException("x", io))));
        assertTrue(DatabaseOutage.isCauseOf(io));
        assertTrue(DatabaseOutage.isCauseOf(new SQLTransientConnectionException("pool closed")));
    }

    @Test
    void failureAtCommitIsJudgedByItsCause() {
        RollbackException commit = new RollbackException("commit failed");
        commit.initCause(new PSQLException("refused", PSQLState.CONNECTION_UNABLE_TO_CONNECT));

        assertTrue(DatabaseOutage.isCauseOf(new IllegalStateException(commit)));
    }

    @Test
    void serverShuttingDownIsAnOutage() {
        assertTrue(DatabaseOutage.isCauseOf(
                new SQLException("terminating connection due to administrator command", "57P01")));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "55P03", // lock_timeout
                "57014", // statement_timeout
                "40001", // serialization failure
                "40P01", // deadlock
                "40003", // statement completion unknown
                "25006", // read-only transaction: failed over to a standby
                "25P03", // idle_in_transaction_session_timeout
                "53300", // too many connections
                "08006", // connection failure
                "57P03" // cannot connect now (starting up)
            })
    void aPassingConditionIsAnOutage(String sqlState) {
        SQLException refused = new SQLException("refused", sqlState);

        assertTrue(DatabaseOutage.isCauseOf(new PersistenceException(new GenericJDBCException("x", refused))));
    }

    @Test
    void aCommitThatFailedWithoutASqlCauseIsAnOutage() {
        // What Narayana throws when the connection broke during commit: the cause may be lost on the way.
        RollbackException commit = new RollbackException("ARJUNA016053: Could not commit transaction.");

        assertTrue(DatabaseOutage.isCauseOf(new RuntimeException(commit)));
        assertTrue(DatabaseOutage.isCauseOf(new XAException(XAException.XA_RBCOMMFAIL)));
    }

    @Test
    void aRefusedStatementIsABugNotAnOutage() {
        SQLException duplicate = new SQLException("duplicate key value violates unique constraint", "23505");

        assertFalse(DatabaseOutage.isCauseOf(new ConstraintViolationException("x", duplicate, "call_pkey")));
        assertFalse(DatabaseOutage.isCauseOf(new SQLException("syntax error", "42601")));
        assertFalse(DatabaseOutage.isCauseOf(new SQLException("value too long", "22001")));
        assertFalse(DatabaseOutage.isCauseOf(new SQLException("timestamp out of range", "22008")));
        assertFalse(DatabaseOutage.isCauseOf(new IllegalStateException("no cause")));
    }
}
