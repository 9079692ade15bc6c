package io.callingboxgateway.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callingboxgateway.packaged.GatewayProcess;
import io.callingboxgateway.packaged.PostgresProcess;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the packaged gateway under a storm of signed webhooks, then a restart on the same port:
 * every webhook acknowledged with a 2xx, before or after, is stored once, every call has exactly one
 * {@code call.created}, and the event ids have no gap and no reuse.
 */
class GatewayKillIT {

    @Test
    void killDashNineUnderAWebhookStormLosesNoAcknowledgedWebhook() throws Exception {
        try (StormThroughFault run = new StormThroughFault()) {
            StormThroughFault.Outcome outcome = run.run("gateway-kill-it", new StormThroughFault.Fault() {
                @Override
                public void inject(PostgresProcess database, GatewayProcess gateway) throws Exception {
                    gateway.kill();
                }

                @Override
                public void heal(PostgresProcess database, GatewayProcess gateway) {
                    gateway.start();
                }
            });
            System.out.println("GatewayKillIT: " + outcome.figures());
            assertEquals(List.of(), outcome.problems(), outcome.figures());
        }
    }
}
