package io.callingboxgateway.database;

import io.agroal.api.AgroalPoolInterceptor;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

/**
 * Puts the {@link DatabaseConfig} limits on every connection the pool opens, before anyone uses it.
 *
 * <p>Done here rather than in the JDBC URL because operators set the URL themselves: limits written
 * into it would be lost with the first custom URL. The network timeout is set on the driver's own
 * connection, not through the pool's wrapper, so the pool does not reset it on return.
 *
 * <p>It also makes every commit durable before it returns: {@code synchronous_commit = off} on the
 * server is overridden for the gateway's sessions (see docs/decisions/0020-poll-strategy.md).
 */
@ApplicationScoped
public class SessionLimits implements AgroalPoolInterceptor {

    private static final Logger LOG = Logger.getLogger(SessionLimits.class);

    private final DatabaseConfig config;

    SessionLimits(DatabaseConfig config) {
        this.config = config;
    }

    void checkAtStartup(@Observes StartupEvent event) {
        if (!config.problems().isEmpty()) {
            throw new IllegalStateException("Invalid database configuration: " + String.join("; ", config.problems()));
        }
        LOG.infof(
                "Database sessions: statement timeout %s, lock timeout %s, idle-in-transaction timeout %s,"
                        + " socket timeout %s",
                config.statementTimeout(),
                config.lockTimeout(),
                config.idleInTransactionTimeout(),
                config.socketTimeout());
    }

    @Override
    public void onConnectionCreate(Connection connection) {
        try (PreparedStatement limits = connection.prepareStatement(
                "select set_config('statement_timeout', ?, false), set_config('lock_timeout', ?, false),"
                        + " set_config('idle_in_transaction_session_timeout', ?, false),"
                        // Events are visible at commit, so a commit must be durable when it returns: a
                        // server configured with synchronous_commit = off is overridden for our
                        // sessions (local, remote_write, remote_apply and on all flush locally: kept).
                        + " set_config('synchronous_commit', case current_setting('synchronous_commit')"
                        + " when 'off' then 'on' else current_setting('synchronous_commit') end, false)")) {
            limits.setString(1, millis(config.statementTimeout()));
            limits.setString(2, millis(config.lockTimeout()));
            limits.setString(3, millis(config.idleInTransactionTimeout()));
            limits.execute();
            Connection driver = (Connection) connection.unwrap(PGConnection.class);
            driver.setNetworkTimeout(Runnable::run, (int) config.socketTimeout().toMillis());
        } catch (SQLException e) {
            // The pool treats a failing interceptor as a failed connection attempt: no session without limits.
            throw new IllegalStateException("Could not set the session limits on a new connection", e);
        }
    }

    private static String millis(Duration duration) {
        return duration.toMillis() + "ms";
    }
}
