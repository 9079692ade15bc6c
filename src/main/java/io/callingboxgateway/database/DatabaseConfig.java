package io.callingboxgateway.database;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * Limits on every database session of the gateway, so that a stalled peer (a session holding a lock,
 * a statement that never ends, a connection that silently stopped answering) costs a request seconds
 * and a 503, never a thread for hours. Applied to each pooled connection as it is opened.
 */
@ConfigMapping(prefix = "gateway.database")
public interface DatabaseConfig {

    /** What PostgreSQL and pgjdbc take: whole milliseconds in an int, and 0 would mean no limit at all. */
    String RANGE = "must be between 1ms and 24 days";

    /** The longest one SQL statement may run before PostgreSQL cancels it (statement_timeout). */
    @WithDefault("15s")
    @DurationMin(millis = 1, message = RANGE)
    @DurationMax(millis = Integer.MAX_VALUE, message = RANGE)
    Duration statementTimeout();

    /** The longest a statement waits for a row or table lock before giving up (lock_timeout). */
    @WithDefault("3s")
    @DurationMin(millis = 1, message = RANGE)
    @DurationMax(millis = Integer.MAX_VALUE, message = RANGE)
    Duration lockTimeout();

    /** How long a session may sit idle inside an open transaction before PostgreSQL ends it. */
    @WithDefault("60s")
    @DurationMin(millis = 1, message = RANGE)
    @DurationMax(millis = Integer.MAX_VALUE, message = RANGE)
    Duration idleInTransactionTimeout();

    /**
     * How long the gateway waits for any answer on a database connection before it gives the connection
     * up as broken (pgjdbc socketTimeout); longer than the statement timeout, so a slow statement is
     * cancelled by PostgreSQL first and the connection survives it.
     */
    @WithDefault("25s")
    @DurationMin(millis = 1, message = RANGE)
    @DurationMax(millis = Integer.MAX_VALUE, message = RANGE)
    Duration socketTimeout();

    /**
     * What is wrong with these settings together, one sentence each; empty when they are usable. Each
     * one alone is checked where it is declared, as the configuration is loaded.
     */
    default List<String> problems() {
        List<String> problems = new ArrayList<>();
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
