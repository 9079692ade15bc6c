package io.callingboxgateway.reliability;

import static org.awaitility.Awaitility.await;

import io.callingboxgateway.packaged.EventLogAudit;
import io.callingboxgateway.packaged.GatewayProcess;
import io.callingboxgateway.packaged.PostgresProcess;
import io.callingboxgateway.packaged.WebhookStorm;
import io.callingboxgateway.packaged.WebhookStorm.Sent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One packaged gateway on a PostgreSQL of its own, a storm of signed webhooks against it, a fault in
 * the middle, and recovery: the storm runs until {@link #BEFORE} webhooks were acknowledged, the fault
 * is injected, and healed once {@link #REFUSED_DURING_FAULT} attempts went unacknowledged; the storm
 * goes on until {@link #AFTER} more were acknowledged after the recovery. Then every sender finishes
 * its call (retrying until acknowledged, as CallingBox would) and the event log is audited.
 */
final class StormThroughFault implements AutoCloseable {

    static final int SENDERS = 4;
    static final int BEFORE = 300;
    static final int AFTER = 300;
    static final int REFUSED_DURING_FAULT = 40;
    private static final Duration DRAIN = Duration.ofSeconds(60);

    /** A fault and its repair, given the running processes. */
    interface Fault {
        void inject(PostgresProcess database, GatewayProcess gateway) throws Exception;

        void heal(PostgresProcess database, GatewayProcess gateway) throws Exception;
    }

    /** What came of it: every attempt, and the audit's findings. */
    record Outcome(List<Sent> sent, List<String> problems, Duration outage) {
        List<Sent> acknowledged() {
            return sent.stream().filter(Sent::acknowledged).toList();
        }

        String figures() {
            return "%d webhooks acknowledged (%d attempts %s), outage %d ms, problems %s"
                    .formatted(
                            acknowledged().size(),
                            sent.size(),
                            WebhookStorm.byOutcome(sent),
                            outage.toMillis(),
                            problems);
        }
    }

    private final PostgresProcess database = new PostgresProcess();
    private GatewayProcess gateway;

    Outcome run(String name, Fault fault) throws Exception {
        database.start();
        gateway = new GatewayProcess(name, database.jdbcUrl(), Map.of()).start();
        try (WebhookStorm storm = new WebhookStorm(gateway.webhookSecret(), gateway::port).start(SENDERS)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> storm.acknowledged() >= BEFORE);
            Instant broken = Instant.now();
            fault.inject(database, gateway);
            // the fault lasts until the storm has felt it, not for a fixed time
            await().atMost(Duration.ofSeconds(60)).until(() -> storm.refusedAfter(broken) >= REFUSED_DURING_FAULT);
            fault.heal(database, gateway);
            Instant healed = Instant.now();
            await().atMost(Duration.ofSeconds(120))
                    .failFast("the gateway died: " + gateway.logTail(), () -> !gateway.alive())
                    .until(() -> storm.acknowledgedAfter(healed) >= AFTER);
            storm.stop(DRAIN);
            List<Sent> sent = storm.sent();
            List<Sent> acknowledged = sent.stream().filter(Sent::acknowledged).toList();
            List<String> problems = new EventLogAudit(database)
                    .problems(
                            acknowledged.stream().map(Sent::eventId).toList(),
                            acknowledged.stream().map(Sent::callId).distinct().toList());
            return new Outcome(sent, problems, Duration.between(broken, healed));
        }
    }

    String logTail() {
        return gateway == null ? "" : gateway.logTail();
    }

    @Override
    public void close() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        database.close();
    }
}
