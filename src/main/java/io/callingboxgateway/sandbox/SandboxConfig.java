package io.callingboxgateway.sandbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/** The CallingBox simulator of dev and test builds. */
@ConfigMapping(prefix = "sandbox")
public interface SandboxConfig {

    /** How many times faster than real time simulated calls progress and webhook retries come due. */
    @WithDefault("1")
    double timeScale();

    /** Seed of every random choice the simulator makes; absent means a new seed on each start. */
    OptionalLong seed();

    /** The API key the simulator accepts as {@code Authorization: Bearer <key>}. */
    @WithDefault(SandboxDefaults.API_KEY)
    String apiKey();

    Trickle trickle();

    Webhook webhook();

    Faults faults();

    interface Trickle {

        /** Whether the simulator places synthetic calls by itself (the dev wiring turns this on). */
        @WithDefault("false")
        boolean enabled();

        /** Mean real time between two synthetic calls; each gap is drawn between half and one and a half of it. */
        @WithDefault("20s")
        Duration every();

        /** Real time from start to the first synthetic call. */
        @WithDefault("5s")
        Duration firstAfter();

        /** Share of synthetic calls that are inbound (answered by the sandbox's inbound agent). */
        @WithDefault("0.1")
        double inboundShare();
    }

    interface Webhook {

        /** Whether the simulator has an account webhook endpoint that receives every event. */
        @WithDefault("true")
        boolean enabled();

        /** URL of that endpoint; absent means the gateway's own /webhooks/callingbox on its HTTP port. */
        Optional<URI> url();

        /** The signing secret of that endpoint and of inline webhook_url deliveries. */
        @WithDefault(SandboxDefaults.WEBHOOK_SECRET)
        String secret();

        /** How long a receiver may take to answer before the attempt counts as failed. */
        @WithDefault("10s")
        Duration timeout();
    }

    /** The faults the simulator starts with; all can be changed at run time via PUT /sandbox/faults. */
    interface Faults {

        /** Share of delivery attempts lost on the way while the simulator records them as delivered. */
        @WithDefault("0")
        double dropRate();

        /** Share of successful deliveries sent a second time, with the same event id. */
        @WithDefault("0")
        double duplicateRate();

        /** Share of delivery attempts held back for up to max-delay, so they arrive out of order. */
        @WithDefault("0")
        double delayRate();

        /** The longest real time a delayed or duplicated delivery is held back. */
        @WithDefault(FaultSettings.NEUTRAL_MAX_DELAY)
        Duration maxDelay();

        /** Share of delivery attempts signed with a wrong secret. */
        @WithDefault("0")
        double wrongSignatureRate();

        /** Whether every delivery attempt fails as if the endpoint were unreachable. */
        @WithDefault("false")
        boolean webhooksSilent();
    }
}
