package io.callingboxgateway.security;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * OIDC is on exactly when an identity provider is configured ({@code QUARKUS_OIDC_AUTH_SERVER_URL}): the
 * OIDC extension refuses to start with an enabled tenant and no URL, and this keeps the gateway's
 * start a matter of one variable either way. An explicit {@code quarkus.oidc.tenant-enabled} wins: this
 * value sits below every other config source.
 */
public class OidcSwitch implements ConfigSourceFactory {

    static final String AUTH_SERVER_URL = "quarkus.oidc.auth-server-url";
    static final String TENANT_ENABLED = "quarkus.oidc.tenant-enabled";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue url = context.getValue(AUTH_SERVER_URL);
        boolean configured =
                url != null && url.getValue() != null && !url.getValue().isBlank();
        return List.of(new PropertiesConfigSource(
                Map.of(TENANT_ENABLED, Boolean.toString(configured)), "OIDC on when its URL is set", 1));
    }
}
