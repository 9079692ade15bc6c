package io.callingboxgateway.subscriptions;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which URLs the gateway pushes to. Internal subscribers usually live on private addresses (loopback
 * included), so those are allowed; what is refused is what an attacker who can create a subscription
 * would aim at: link-local addresses and the cloud metadata services (instance credentials), the
 * unspecified and multicast addresses, and credentials in the URL. The host is resolved, and every
 * address checked, both when the URL is accepted and again before each delivery, because a name can
 * be re-pointed after validation (DNS rebinding). An allow-list of host patterns narrows it further.
 */
public final class SubscriberUrlPolicy {

    /** Resolves a host name to its addresses; the real one is {@link InetAddress#getAllByName}. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A URL the policy refuses; the message is a sentence fit for a 400 detail or a delivery error. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** Names of metadata services that answer on link-local addresses, refused before any lookup. */
    private static final Set<String> METADATA_HOSTS = Set.of(
            "metadata",
            "metadata.google.internal",
            "metadata.goog",
            "instance-data",
            "instance-data.ec2.internal",
            "metadata.azure.com",
            "metadata.platformequinix.com");

    /** Metadata endpoints, including those outside the link-local ranges (Alibaba, Azure, AWS IPv6). */
    private static final Set<String> METADATA_ADDRESSES =
            Set.of("169.254.169.254", "169.254.170.2", "fd00:ec2:0:0:0:0:0:254", "100.100.100.200", "168.63.129.16");

    private final List<String> allowedHosts;
    private final Resolver resolver;

    /** @param allowedHosts host patterns, or empty for no allow-list */
    public SubscriberUrlPolicy(List<String> allowedHosts, Resolver resolver) {
        this.allowedHosts = allowedHosts.stream()
                .map(String::trim)
                .filter(pattern -> !pattern.isEmpty())
                .map(SubscriberUrlPolicy::normalize)
                .toList();
        this.resolver = resolver;
    }

    /** The policy the gateway runs with: the allow-list from configuration, the system resolver. */
    public static SubscriberUrlPolicy from(SubscriptionConfig config) {
        return new SubscriberUrlPolicy(config.allowedHosts().orElse(List.of()), InetAddress::getAllByName);
    }

    /** @return the URL, parsed, once its form, host and every address it resolves to are acceptable */
    public URI check(String url) throws Refused {
        URI uri = parse(url);
        String host = normalize(uri.getHost());
        if (!allowedHosts.isEmpty() && allowedHosts.stream().noneMatch(pattern -> matches(pattern, host))) {
            throw new Refused("host '%s' is not allowed: GATEWAY_SUBSCRIPTION_ALLOWED_HOSTS permits only %s"
                    .formatted(host, String.join(", ", allowedHosts)));
        }
        if (METADATA_HOSTS.contains(host)) {
            throw new Refused("host '%s' is a cloud metadata service".formatted(host));
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new Refused("host '%s' does not resolve".formatted(host));
        }
        for (InetAddress address : addresses) {
            String refusal = refusal(address);
            if (refusal != null) {
                throw new Refused("host '%s' resolves to %s, %s".formatted(host, address.getHostAddress(), refusal));
            }
        }
        return uri;
    }

    private static URI parse(String url) throws Refused {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Refused("url is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused("url must be an absolute http or https URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused("url must not contain credentials (user:password@); the push is authenticated by its"
                    + " signature, and a receiver can also check a secret path segment");
        }
        if (uri.getHost() == null) {
            throw new Refused("url has no valid host name");
        }
        if (uri.getRawFragment() != null) {
            throw new Refused("url must not contain a fragment (#...), which is never sent");
        }
        return uri;
    }

    /** @return why this address is refused, or null when it is acceptable */
    static String refusal(InetAddress address) {
        InetAddress effective = embeddedIpv4(address);
        if (METADATA_ADDRESSES.contains(effective.getHostAddress())) {
            return "a cloud metadata address";
        }
        if (effective.isAnyLocalAddress() || isThisNetwork(effective)) {
            return "the unspecified address";
        }
        if (effective.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (effective.isMulticastAddress() || effective.getHostAddress().equals("255.255.255.255")) {
            return "a multicast or broadcast address";
        }
        return null;
    }

    /**
     * IPv4 carried inside NAT64 IPv6 (64:ff9b::/96) is judged as the IPv4 address. (IPv4-mapped
     * addresses already come back from the JDK as IPv4.)
     */
    private static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address v6)) {
            return address;
        }
        byte[] bytes = v6.getAddress();
        boolean nat64 = bytes[0] == 0x00
                && bytes[1] == 0x64
                && bytes[2] == (byte) 0xff
                && bytes[3] == (byte) 0x9b
                && allZero(bytes, 4, 12);
        if (nat64) {
            try {
                return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("four bytes are always an IPv4 address", e);
            }
        }
        return address;
    }

    private static boolean isThisNetwork(InetAddress address) {
        return address instanceof Inet4Address && address.getAddress()[0] == 0;
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(String pattern, String host) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.startsWith("*.")) {
            return host.endsWith(pattern.substring(1));
        }
        return pattern.equals(host);
    }

    /** Lower case, no trailing dot, IPv6 literals without brackets. */
    private static String normalize(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
