package io.callingboxgateway.packaged;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What a consumer of the gateway must be able to rely on after any fault, read straight from the
 * database: every acknowledged webhook stored once, one {@code call.created} per call, and an event
 * log whose ids have no gap and no reuse (the counter never went back) and whose per-call sequence
 * rises with the id.
 */
public final class EventLogAudit {

    private final PostgresProcess database;

    public EventLogAudit(PostgresProcess database) {
        this.database = database;
    }

    /** Every broken promise, one line each; empty when all hold. */
    public List<String> problems(Collection<UUID> acknowledgedEventIds, Collection<UUID> acknowledgedCallIds)
            throws SQLException {
        List<String> problems = new ArrayList<>();
        Set<UUID> receipts = ids("select event_id from webhook_receipt");
        List<UUID> lost = acknowledgedEventIds.stream()
                .filter(id -> !receipts.contains(id))
                .toList();
        if (!lost.isEmpty()) {
            problems.add(lost.size() + " acknowledged webhooks not in webhook_receipt, e.g. " + lost.get(0));
        }
        long storedTwice = database.count(
                "select count(*) from (select upstream_event_id from call_event where upstream_event_id is not null"
                        + " group by upstream_event_id having count(*) > 1) twice");
        if (storedTwice > 0) {
            problems.add(storedTwice + " webhooks produced more than one event");
        }
        Map<UUID, Long> created = createdPerCall();
        List<UUID> withoutCreated = acknowledgedCallIds.stream()
                .filter(id -> created.getOrDefault(id, 0L) != 1)
                .toList();
        if (!withoutCreated.isEmpty()) {
            problems.add(withoutCreated.size() + " acknowledged calls without exactly one call.created, e.g. "
                    + withoutCreated.get(0));
        }
        long createdTwice = created.values().stream().filter(count -> count > 1).count();
        if (createdTwice > 0) {
            problems.add(createdTwice + " calls with more than one call.created");
        }
        long createdNever =
                created.values().stream().filter(count -> count == 0).count();
        if (createdNever > 0) {
            problems.add(createdNever + " stored calls without a call.created event");
        }
        problems.addAll(idProblems());
        return problems;
    }

    private List<String> idProblems() throws SQLException {
        List<String> problems = new ArrayList<>();
        // numbered events: a committed event gets its id from the sequencer just after (ADR 0063)
        long events = database.count("select count(id) from call_event");
        long lowest = database.count("select coalesce(min(id), 1) from call_event");
        long highest = database.count("select coalesce(max(id), 0) from call_event");
        if (events != highest - lowest + 1) {
            problems.add(events + " events but ids run from " + lowest + " to " + highest);
        }
        long counter = database.count("select last_id from event_sequence");
        if (counter != highest) {
            problems.add("event_sequence.last_id is " + counter + ", the highest event id " + highest);
        }
        long outOfOrder = database.count("select count(*) from (select call_seq,"
                + " lag(call_seq) over (partition by call_id order by id) as previous from call_event) ordered"
                + " where previous is not null and call_seq <= previous");
        if (outOfOrder > 0) {
            problems.add(outOfOrder + " events whose call_seq does not rise with the event id");
        }
        return problems;
    }

    public long events() throws SQLException {
        return database.count("select count(*) from call_event");
    }

    private Map<UUID, Long> createdPerCall() throws SQLException {
        Map<UUID, Long> created = new HashMap<>();
        try (Connection connection = database.connect();
                PreparedStatement query = connection.prepareStatement("select c.id, count(e.id) from call c"
                        + " left join call_event e on e.call_id = c.id and e.type = 'call.created' group by c.id");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                created.put(rows.getObject(1, UUID.class), rows.getLong(2));
            }
        }
        return created;
    }

    private Set<UUID> ids(String sql) throws SQLException {
        try (Connection connection = database.connect();
                PreparedStatement query = connection.prepareStatement(sql);
                ResultSet rows = query.executeQuery()) {
            Set<UUID> ids = new HashSet<>();
            while (rows.next()) {
                ids.add(rows.getObject(1, UUID.class));
            }
            return ids;
        }
    }
}
