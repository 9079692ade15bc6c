package io.callingboxgateway.background;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * This replica's one name, wherever replicas must tell each other apart: the poller lease and the
 * claims of subscription delivery. It is {@code callingbox.replica-id} (CALLINGBOX_REPLICA_ID) when set,
 * which must then differ between replicas; otherwise the host name plus a random suffix, new at every
 * start, so a restarted replica is never mistaken for its former self.
 */
@ApplicationScoped
public class ReplicaIdentity {

    private final String id;

    ReplicaIdentity(@ConfigProperty(name = "callingbox.replica-id") Optional<String> configured) {
        this.id = configured.filter(name -> !name.isBlank()).orElseGet(ReplicaIdentity::hostWithSuffix);
    }

    public String id() {
        return id;
    }

    private static String hostWithSuffix() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "replica";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
