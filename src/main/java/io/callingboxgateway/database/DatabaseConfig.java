package io.callingboxgateway.database;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Limits on every database session of the gateway, so that a stalled peer (a session holding a lock,
 * a statement that never ends, a connection that silently stopped answering) costs a request seconds
 * and a 503, never a thread for hours. Applied to each pooled connection as it is opened.
 */
@ConfigMapping(prefix = "gateway.database")
public interface DatabaseConfig {

    /** The longest one SQL statement may run before PostgreSQL cancels it (statement_timeout). */
    @WithDefault("15s")
    Duration statementTimeout();

    /** The longest a statement waits for a row or table lock before giving up (lock_timeout). */
    @WithDefault("3s")
    Duration lockTimeout();

    /** How long a session may sit idle inside an open transaction before PostgreSQL ends it. */
    @WithDefault("60s")
    Duration idleInTransactionTimeout();

    /**
     * How long the gateway waits for any answer on a database connection before it gives the connection
     * up as broken (pgjdbc socketTimeout); longer than the statement timeout, so a slow statement is
     * cancelled by PostgreSQL first and the connection survives it.
     */
    @WithDefault("25s")
    Duration socketTimeout();

    /** What is wrong with these settings, one sentence each; empty when they are usable. */
    default List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (var setting : List.of(
                new Object[] {"statement-timeout", statementTimeout()},
                new Object[] {"lock-timeout", lockTimeout()},
                new Object[] {"idle-in-transaction-timeout", idleInTransactionTimeout()},
                new Object[] {"socket-timeout", socketTimeout()})) {
            Duration value = (Duration) setting[1];
            if (value.isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE) {
                problems.add(
                        "gateway.database.%s is %s but must be between 1ms and 24 days".formatted(setting[0], value));
            }
        }
        if (socketTimeout().compareTo(statementTimeout()) <= 0) {
            problems.add(("gateway.database.socket-timeout (%s) must be longer than gateway.database.statement-timeout"
                            + " (%s), or every slow statement would break its connection instead of being cancelled")
                    .formatted(socketTimeout(), statementTimeout()));
        }
        if (lockTimeout().compareTo(statementTimeout()) > 0) {
            problems.add(
                    "gateway.database.lock-timeout (%s) must not be longer than gateway.database.statement-timeout (%s)"
                            .formatted(lockTimeout(), statementTimeout()));
        }
        return problems;
    }
}
