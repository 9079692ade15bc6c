package io.callingboxgateway.calls;

import io.smallrye.config.ConfigMapping;
import jakarta.validation.constraints.Size;
import java.util.Optional;

@ConfigMapping(prefix = "gateway")
public interface CursorConfig {

    /**
     * The key that authenticates list cursors (GATEWAY_CURSOR_KEY), any string of at least 32 characters;
     * when unset, one is generated once and kept in the database so that every replica shares it.
     */
    Optional<@Size(min = CursorKey.MINIMUM_LENGTH, message = "must be at least 32 characters") String> cursorKey();
}
