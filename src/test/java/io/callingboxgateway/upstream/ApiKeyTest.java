package io.callingboxgateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiKeyTest {

    @Test
    void aKeyWithoutTheSkPrefixIsRejectedWithoutBeingPrinted() {
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> ApiKey.from(Optional.of("pk_live_4f9c2d7e1a")));
        assertTrue(e.getMessage().contains("sk_"));
        assertFalse(e.getMessage().contains("4f9c2d7e1a"));
    }

    @Test
    void anySkKeyIsAcceptedAndMaskedToItsLastFourCharacters() {
        ApiKey key = ApiKey.from(Optional.of("sk_live_0123456789abcd")).orElseThrow();
        assertEquals("sk_…abcd", key.masked());
        assertEquals("sk_…abcd", key.toString());
        assertEquals("Bearer sk_live_0123456789abcd", key.bearer());
        assertTrue(ApiKey.from(Optional.of("sk_x")).isPresent());
        assertEquals("sk_…", ApiKey.from(Optional.of("sk_x")).orElseThrow().masked());
    }

    @Test
    void noKeyOrABlankOneMeansNotConfigured() {
        assertTrue(ApiKey.from(Optional.empty()).isEmpty());
        assertTrue(ApiKey.from(Optional.of("  ")).isEmpty());
    }
}
