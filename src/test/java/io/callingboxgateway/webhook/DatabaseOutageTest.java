package io.callingboxgateway.webhook;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.persistence.PersistenceException;
import jakarta.transaction.RollbackException;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.hibernate.exception.ConstraintViolationException;
import org.hibernate.exception.GenericJDBCException;
import org.hibernate.exception.JDBCConnectionException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/** The exceptions below are the ones the driver, the pool and Hibernate really throw for each case. */
class DatabaseOutageTest {

    @Test
    void poolGivingUpWaitingForAConnectionIsAnOutage() {
        SQLException agroal = new SQLException("Sorry, acquisition timeout!");

        assertTrue(DatabaseOutage.isCauseOf(new GenericJDBCException("Unable to acquire JDBC Connection", agroal)));
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

    @Test
    void aRefusedStatementIsABugNotAnOutage() {
        SQLException duplicate = new SQLException("duplicate key value violates unique constraint", "23505");

        assertFalse(DatabaseOutage.isCauseOf(new ConstraintViolationException("x", duplicate, "call_pkey")));
        assertFalse(DatabaseOutage.isCauseOf(new SQLException("syntax error", "42601")));
        assertFalse(DatabaseOutage.isCauseOf(new IllegalStateException("no cause")));
    }
}
