package io.callingboxgateway.sandbox;

import java.util.List;
import java.util.UUID;

/**
 * The fixed facts of the sandbox organisation: its API key, signing secret, agents and numbers. They
 * are not secrets: the simulator only ever runs inside a dev or test build, and a newcomer needs them
 * to follow the README.
 */
public final class SandboxDefaults {

    /** The API key the simulator accepts unless {@code sandbox.api-key} says otherwise. */
    public static final String API_KEY = "sk_sandbox_7b1c0e5d4a3f2e1d";

    /** The secret the simulator signs webhooks with unless {@code sandbox.webhook.secret} says otherwise. */
    public static final String WEBHOOK_SECRET = "whsec_sandbox_3e9a7c51d2b84f60";

    /** Where the simulator is served, below the gateway's own HTTP root. */
    public static final String BASE_PATH = "/sandbox/callingbox";

    static final UUID ORG_ID = UUID.fromString("0a000000-0000-4000-8000-00000000000a");
    static final UUID ENDPOINT_ID = UUID.fromString("e0000000-0000-4000-8000-0000000000e1");
    static final UUID OUTBOUND_AGENT_ID = UUID.fromString("11111111-1111-4111-8111-111111111111");
    static final UUID INBOUND_AGENT_ID = UUID.fromString("22222222-2222-4222-8222-222222222222");

    /** The outbound agent's numbers; the first is its primary (default caller ID) number. */
    static final List<String> OUTBOUND_NUMBERS = List.of("+15550109001", "+15550109002");

    /** The number the inbound agent answers. */
    static final String INBOUND_NUMBER = "+15550109100";

    private SandboxDefaults() {}
}
