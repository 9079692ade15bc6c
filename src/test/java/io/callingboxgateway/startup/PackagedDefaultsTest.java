package io.callingboxgateway.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callingboxgateway.testing.ValidatedConfig;
import io.callingboxgateway.upstream.CallingBoxConfig;
import io.smallrye.config.SmallRyeConfig;
import org.junit.jupiter.api.Test;

/** What the packaged application uses when the operator sets nothing, each default written once. */
class PackagedDefaultsTest {

    @Test
    void theRestClientReachesTheRealApiThroughTheMappingDefault() {
        SmallRyeConfig config = ValidatedConfig.packaged(CallingBoxConfig.class);

        assertEquals(
                "https://api.callingbox.io",
                config.getConfigMapping(CallingBoxConfig.class).baseUrl());
        assertEquals("https://api.callingbox.io", config.getValue("quarkus.rest-client.callingbox.url", String.class));
    }
}
