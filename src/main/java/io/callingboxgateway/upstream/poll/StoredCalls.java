package io.callingboxgateway.upstream.poll;

import io.callingboxgateway.model.CallSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.hibernate.Session;

/** Read-only looks at the store, so discovery can skip what the reconciler would not change. */
@ApplicationScoped
public class StoredCalls {

    private static final String UNCHANGED = """
            select c.id
            from unnest(cast(? as uuid[]), cast(cast(? as text[]) as timestamptz[]), cast(? as text[]),
                        cast(? as text[]), cast(? as text[]))
                 as listed (id, updated_at, status, result_status, webhook_status)
            join call c on c.id = listed.id
            where c.updated_at is not distinct from listed.updated_at
              and c.status = listed.status
              and c.result_status is not distinct from listed.result_status
              and c.webhook_status is not distinct from listed.webhook_status
            """;

    private final EntityManager em;

    StoredCalls(EntityManager em) {
        this.em = em;
    }

    /**
     * The ids of those {@code calls} the store already holds in the version listed: the same upstream
     * {@code updated_at} and the same status, result status and webhook status. CallingBox moves a
     * call's {@code updated_at} with every change it makes, so an equal stamp means nothing new; the
     * three axes the merge acts on are compared as well, so a call the store holds differently (a
     * terminal conflict it resolved, say) always goes back to the reconciler, which decides. One query
     * per batch, sent as five arrays: neither side writes, parses or loads whole calls, which is what
     * keeps a poll of a long, mostly known list close to the cost of reading it.
     */
    @Transactional
    public Set<UUID> unchanged(List<CallSnapshot> calls) {
        if (calls.isEmpty()) {
            return Set.of();
        }
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement query = connection.prepareStatement(UNCHANGED)) {
                query.setArray(1, connection.createArrayOf("uuid", column(calls, CallSnapshot::id)));
                query.setArray(2, texts(connection, calls, c -> instant(c.updatedAt())));
                query.setArray(3, texts(connection, calls, CallSnapshot::status));
                query.setArray(4, texts(connection, calls, CallSnapshot::resultStatus));
                query.setArray(5, texts(connection, calls, CallSnapshot::webhookStatus));
                Set<UUID> same = new HashSet<>(calls.size() * 2);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        same.add(rows.getObject(1, UUID.class));
                    }
                }
                return same;
            }
        });
    }

    @Transactional
    public boolean isEmpty() {
        return !(Boolean)
                em.createNativeQuery("select exists (select 1 from call)").getSingleResult();
    }

    private static Array texts(Connection connection, List<CallSnapshot> calls, Function<CallSnapshot, String> field)
            throws SQLException {
        return connection.createArrayOf("text", column(calls, field));
    }

    private static Object[] column(List<CallSnapshot> calls, Function<CallSnapshot, ?> field) {
        Object[] values = new Object[calls.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = field.apply(calls.get(i));
        }
        return values;
    }

    private static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
