package io.callingboxgateway.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callingboxgateway.packaged.GatewayProcess;
import io.callingboxgateway.packaged.PostgresProcess;
import io.callingboxgateway.packaged.WebhookStorm.Sent;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped in immediate mode (a crash: no checkpoint, WAL replayed at the next start) under
 * a storm of signed webhooks, and started again on the same data: the gateway answers every webhook
 * 2xx or 503, or drops its connection before any byte of an answer, never anything else; every
 * acknowledged webhook is stored once, every call has one {@code call.created}, and no event id names
 * a different event after the crash (no gap, no reuse).
 */
class PostgresCrashIT {

    @Test
    void anImmediateStopOfPostgresUnderAWebhookStormLosesNothingAndAnswersOnly2xxOr503() throws Exception {
        try (StormThroughFault run = new StormThroughFault()) {
            StormThroughFault.Outcome outcome = run.run("postgres-crash-it", new StormThroughFault.Fault() {
                @Override
                public void inject(PostgresProcess database, GatewayProcess gateway) throws Exception {
                    database.crash();
                }

                @Override
                public void heal(PostgresProcess database, GatewayProcess gateway) {
                    database.start();
                }
            });
            System.out.println("PostgresCrashIT: " + outcome.figures());
            List<Sent> unclean = outcome.sent().stream().filter(s -> !s.clean()).toList();
            assertEquals(List.of(), unclean, "answers other than 2xx, 503 or a dropped connection; " + run.logTail());
            assertEquals(List.of(), outcome.problems(), outcome.figures());
        }
    }
}
