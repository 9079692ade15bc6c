package io.callingboxgateway.subscriptions;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The address blocks a push must not reach unless an operator opens them: the IANA IPv4 and IPv6
 * special-purpose address registries (the blocks that are not globally reachable, plus deprecated
 * ones), the cloud metadata services, and every IPv6 form that carries an IPv4 address.
 *
 * <p>IPv6 forms that embed an IPv4 address are judged by the address they embed: IPv4-mapped
 * ({@code ::ffff:0:0/96}), NAT64 ({@code 64:ff9b::/96}) and 6to4 ({@code 2002::/16}) reach the IPv4
 * host they name, so {@code [::ffff:127.0.0.1]} is loopback and {@code [2002:a00:1::]} is private,
 * while a 6to4 or NAT64 form of a public address is as public as that address. The deprecated
 * IPv4-compatible block ({@code ::/96}) and the local-use NAT64 block ({@code 64:ff9b:1::/48}, where
 * the embedded address sits wherever the operator's prefix length puts it) are refused whole.
 */
public final class SpecialPurposeAddresses {

    /**
     * How far a block is closed. A host name listed in GATEWAY_SUBSCRIPTION_ALLOWED_HOSTS may resolve
     * to an {@link #INTERNAL} block (that is how internal subscribers are allowed); a {@link #FORBIDDEN}
     * block (metadata services, link-local, unspecified, multicast, reserved) opens only to an address
     * or CIDR entry inside it, never to a name or to a broad CIDR.
     */
    public enum Reach {
        INTERNAL,
        FORBIDDEN
    }

    /** One special-purpose block, as the registry names it. */
    public record Block(Cidr cidr, String name, Reach reach) {}

    /** First match wins, so single addresses come before the blocks that hold them. */
    private static final List<Block> IPV4 = List.of(
            forbidden("169.254.169.254/32", "cloud metadata"),
            forbidden("169.254.170.2/32", "cloud metadata (container credentials)"),
            forbidden("100.100.100.200/32", "cloud metadata"),
            forbidden("168.63.129.16/32", "cloud metadata"),
            forbidden("192.0.0.192/32", "cloud metadata"),
            forbidden("0.0.0.0/8", "this network"),
            internal("10.0.0.0/8", "private use"),
            internal("100.64.0.0/10", "shared address space (CGNAT)"),
            internal("127.0.0.0/8", "loopback"),
            forbidden("169.254.0.0/16", "link local"),
            internal("172.16.0.0/12", "private use"),
            internal("192.0.0.0/24", "IETF protocol assignments"),
            internal("192.0.2.0/24", "documentation (TEST-NET-1)"),
            internal("192.88.99.0/24", "6to4 relay anycast (deprecated)"),
            internal("192.168.0.0/16", "private use"),
            internal("198.18.0.0/15", "benchmarking"),
            internal("198.51.100.0/24", "documentation (TEST-NET-2)"),
            internal("203.0.113.0/24", "documentation (TEST-NET-3)"),
            forbidden("224.0.0.0/4", "multicast"),
            forbidden("255.255.255.255/32", "limited broadcast"),
            forbidden("240.0.0.0/4", "reserved"));

    private static final List<Block> IPV6 = List.of(
            forbidden("fd00:ec2::254/128", "cloud metadata"),
            forbidden("fd00:ec2::23/128", "cloud metadata (time service)"),
            forbidden("::/128", "unspecified address"),
            internal("::1/128", "loopback"),
            forbidden("::/96", "IPv4-compatible (deprecated)"),
            forbidden("64:ff9b:1::/48", "local-use IPv4/IPv6 translation"),
            internal("100::/64", "discard only"),
            internal("2001::/23", "IETF protocol assignments (Teredo, benchmarking, ORCHID)"),
            internal("2001:db8::/32", "documentation"),
            internal("3fff::/20", "documentation"),
            internal("5f00::/16", "segment routing (SRv6) SIDs"),
            internal("fc00::/7", "unique local"),
            forbidden("fe80::/10", "link local"),
            internal("fec0::/10", "site local (deprecated)"),
            forbidden("ff00::/8", "multicast"));

    /** Built from bytes: the JDK reads the text {@code ::ffff:0:0} as the IPv4 address 0.0.0.0. */
    private static final Cidr IPV4_MAPPED =
            new Cidr(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0}, 96);

    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private SpecialPurposeAddresses() {}

    /** @return the special-purpose block the address lies in, or empty when it is an ordinary public address */
    public static Optional<Block> of(InetAddress address) {
        InetAddress embedded = embeddedIpv4(address);
        if (embedded != null) {
            return of(embedded);
        }
        List<Block> table = address instanceof Inet6Address ? IPV6 : IPV4;
        return table.stream().filter(b -> b.cidr().contains(address)).findFirst();
    }

    /** @return the IPv4 address an IPv6 address carries (mapped, NAT64 /96, 6to4), or null */
    static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return null;
        }
        byte[] bytes = address.getAddress();
        if (IPV4_MAPPED.contains(address) || NAT64.contains(address)) {
            return ipv4(Arrays.copyOfRange(bytes, 12, 16));
        }
        if (SIX_TO_FOUR.contains(address)) {
            return ipv4(Arrays.copyOfRange(bytes, 2, 6));
        }
        return null;
    }

    private static InetAddress ipv4(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    private static Block internal(String cidr, String name) {
        return new Block(Cidr.parse(cidr), name, Reach.INTERNAL);
    }

    private static Block forbidden(String cidr, String name) {
        return new Block(Cidr.parse(cidr), name, Reach.FORBIDDEN);
    }
}
