package io.callingboxgateway.webhook;

import io.callingboxgateway.testing.TestDatabase;
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
        return new TestDatabase(db).queryLong(sql, params);
    }

    static void execute(DataSource db, String sql, Object... params) {
        new TestDatabase(db).update(sql, params);
    }
}
