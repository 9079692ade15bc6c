package io.callingboxgateway.subscriptions;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

/**
 * A subscriber URL the policy accepted, with the addresses it judged. A push connects to one of
 * these addresses, never to a fresh lookup of the host, so what was checked is what is reached.
 *
 * @param host the URL's host, lower case, as it goes into {@code Host}, SNI and the certificate check
 * @param port the port, the scheme's default filled in
 */
public record CheckedUrl(URI uri, String host, int port, boolean tls, List<InetAddress> addresses) {

    /** @return the address to connect to: the first the host resolved to */
    public InetAddress address() {
        return addresses.get(0);
    }

    /** @return path and query, as the request line carries them */
    public String pathAndQuery() {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }
}
