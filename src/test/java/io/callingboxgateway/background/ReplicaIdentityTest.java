package io.callingboxgateway.background;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplicaIdentityTest {

    @Test
    void theConfiguredIdIsTheReplicasName() {
        assertEquals("gateway-0", new ReplicaIdentity(Optional.of("gateway-0")).id());
    }

    @Test
    void unsetOrBlankItIsTheHostWithASuffixNewAtEveryStart() {
        String first = new ReplicaIdentity(Optional.empty()).id();
        String second = new ReplicaIdentity(Optional.of("  ")).id();

        assertTrue(first.matches(".+-[0-9a-f]{8}"), first);
        assertNotEquals(first, second, "a restarted replica is not mistaken for its former self");
        assertEquals(first.substring(0, first.length() - 9), second.substring(0, second.length() - 9));
    }
}
