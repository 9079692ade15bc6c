package io.callingboxgateway.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;

@ConfigMapping(prefix = "gateway")
public interface EventSourceConfig {

    /**
     * The CloudEvents {@code source} of every event this gateway publishes (GATEWAY_EVENT_SOURCE), a
     * URI reference naming this deployment, such as {@code https://gateway.example.com}.
     */
    @WithDefault("urn:callingbox-gateway")
    URI eventSource();
}
