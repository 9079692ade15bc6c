package io.callingboxgateway.database;

import java.sql.SQLException;

/**
 * Tells a failure caused by one call's own data (a value PostgreSQL will not hold, a constraint it
 * breaks, a limit it exceeds, or a fault in handling that call that never reached the database) from
 * a database that refuses everything (disk full, a missing permission, a broken trigger). The first
 * is set aside so the calls around it are stored; the second must fail the whole job, to be repeated,
 * or every call would be set aside and lost.
 */
public final class CallRefusal {

    private static final int MAX_CAUSES = 32;

    private CallRefusal() {}

    public static boolean isCauseOf(Throwable failure) {
        if (DatabaseOutage.isCauseOf(failure)) {
            return false;
        }
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                // 22 data exception, 23 integrity constraint violation, 54 program limit exceeded
                String sqlClass = sql.getSQLState()
                        .substring(0, Math.min(2, sql.getSQLState().length()));
                return sqlClass.equals("22") || sqlClass.equals("23") || sqlClass.equals("54");
            }
        }
        return true;
    }
}
