package io.callingboxgateway.subscriptions;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Looks a host name up. A seam over DNS, so that the URL policy and the push judge and use the very
 * same answer (and so tests can play a DNS that changes its answers).
 */
@FunctionalInterface
public interface HostResolver {

    /** @return every address the host resolves to, never empty */
    InetAddress[] resolve(String host) throws UnknownHostException;
}
