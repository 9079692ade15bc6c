package io.callingboxgateway.subscriptions;

import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Which URLs the gateway pushes to. Whoever may create a subscription chooses where the gateway sends
 * signed requests, so by default only public hosts on ports 80 and 443 are reached; every address a
 * host resolves to is judged against {@link SpecialPurposeAddresses} (loopback, private, link-local,
 * metadata...). GATEWAY_SUBSCRIPTION_ALLOWED_HOSTS, when set, is the complete list of what may be
 * reached instead: host names, {@code *.suffix} patterns, addresses and CIDR blocks, each on any port.
 *
 * <p>The host is resolved once per check, and the push connects to an address of that very answer
 * ({@link CheckedUrl#address()}): a name re-pointed between check and connect (DNS rebinding) cannot
 * redirect the push. The URL is checked again before every push, since a name may have moved since the
 * subscription was created.
 */
@Startup // a malformed allow-list entry stops the gateway at start, not at the first subscription
@Singleton
public class SubscriberUrlPolicy {

    private static final Logger LOG = Logger.getLogger(SubscriberUrlPolicy.class);

    /** The env variable operators know the allow-list by; refusals name it. */
    public static final String ALLOWED_HOSTS = "GATEWAY_SUBSCRIPTION_ALLOWED_HOSTS";

    private static final List<Integer> DEFAULT_PORTS = List.of(80, 443);

    /**
     * A last label of digits or hex ({@code 0x...}): no DNS name ends so, so it is an IPv4 address, in
     * some spelling (2130706433, 0177.0.0.1, 0x7f.1, 127.1).
     */
    private static final Pattern NUMERIC_HOST = Pattern.compile("(.*\\.)?([0-9]+|0x[0-9a-f]*)");

    /** The one spelling every parser reads alike: four decimal numbers without leading zeros. */
    private static final Pattern DOTTED_QUAD = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");

    private static final Pattern HOST_NAME =
            Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");

    /** The rule that refused a URL, in the words a refusal and {@code last_error} use. */
    public enum Rule {
        INVALID("invalid URL"),
        SCHEME("scheme"),
        CREDENTIALS("credentials in URL"),
        PORT("port not allowed"),
        NOT_LISTED("host not in " + ALLOWED_HOSTS),
        UNRESOLVED("could not be resolved"),
        PRIVATE("private address");

        private final String words;

        Rule(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /** A URL the policy refuses; the message is a sentence fit for a 400 detail, free of resolved addresses. */
    public static final class Refused extends Exception {
        private final Rule rule;

        Refused(Rule rule, String explanation) {
            super("url refused (" + rule.words() + "): " + explanation, null, false, false);
            this.rule = rule;
        }

        public Rule rule() {
            return rule;
        }
    }

    private final boolean listed;
    private final List<String> names;
    private final List<Cidr> blocks;
    private final HostResolver resolver;

    @Inject
    SubscriberUrlPolicy(SubscriptionConfig config, HostResolver resolver) {
        this(config.allowedHosts().orElse(List.of()), resolver);
    }

    /**
     * @param allowedHosts the allow-list entries; none means the default policy
     * @throws IllegalArgumentException on an entry that is neither a host name, {@code *.suffix}, an
     *     address nor a CIDR block, so a typo stops the gateway at start instead of refusing quietly
     */
    public SubscriberUrlPolicy(List<String> allowedHosts, HostResolver resolver) {
        List<String> names = new ArrayList<>();
        List<Cidr> blocks = new ArrayList<>();
        for (String raw : allowedHosts) {
            String entry = normalize(raw.trim());
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.contains("/") || Cidr.literal(entry) != null) {
                blocks.add(Cidr.parse(entry));
            } else if (HOST_NAME
                    .matcher(entry.startsWith("*.") ? entry.substring(2) : entry)
                    .matches()) {
                names.add(entry);
            } else {
                throw new IllegalArgumentException(ALLOWED_HOSTS + ": '" + raw.trim()
                        + "' is neither a host name, a *.suffix pattern, an IP address nor a CIDR block");
            }
        }
        this.listed = !names.isEmpty() || !blocks.isEmpty();
        this.names = List.copyOf(names);
        this.blocks = List.copyOf(blocks);
        this.resolver = resolver;
    }

    /** @return the URL with the addresses it was judged by, once its form, port and every address pass */
    public CheckedUrl check(String url) throws Refused {
        URI uri = parse(url);
        boolean tls = uri.getScheme().equalsIgnoreCase("https");
        String host = normalize(uri.getHost());
        int port = uri.getPort() == -1 ? (tls ? 443 : 80) : uri.getPort();
        if (!host.contains(":")
                && NUMERIC_HOST.matcher(host).matches()
                && !DOTTED_QUAD.matcher(host).matches()) {
            // 2130706433, 0177.0.0.1, 0x7f.1: read differently by different parsers; no name looks so.
            throw new Refused(Rule.INVALID, "write an IPv4 address as four decimal numbers (like 192.0.2.10)");
        }
        boolean nameListed = names.stream().anyMatch(pattern -> matches(pattern, host));
        if (listed && !nameListed && blocks.isEmpty()) {
            throw notListed();
        }
        if (!listed && !DEFAULT_PORTS.contains(port)) {
            throw new Refused(
                    Rule.PORT,
                    "only ports 80 and 443 are allowed, unless " + ALLOWED_HOSTS + " lists the host (then any port"
                            + " is)");
        }
        List<InetAddress> addresses = resolve(host);
        for (InetAddress address : addresses) {
            judge(host, address, nameListed);
        }
        return new CheckedUrl(uri, host, port, tls, addresses);
    }

    private void judge(String host, InetAddress address, boolean nameListed) throws Refused {
        Optional<SpecialPurposeAddresses.Block> special = SpecialPurposeAddresses.of(address);
        boolean addressListed = blocks.stream().anyMatch(block -> opens(block, address, special));
        if (listed && !nameListed && blocks.stream().noneMatch(block -> block.contains(address))) {
            throw notListed();
        }
        if (special.isEmpty() || addressListed) {
            return;
        }
        if (nameListed && special.get().reach() == SpecialPurposeAddresses.Reach.INTERNAL) {
            return;
        }
        // Which block, and the address, stay in the log: the caller learns only the rule.
        LOG.infof(
                "Subscriber host %s refused: it resolves to %s (%s)",
                host, address.getHostAddress(), special.get().name());
        throw new Refused(
                Rule.PRIVATE,
                "the host is or resolves to a loopback, private, link-local, metadata or other special-purpose"
                        + " address; to push to an internal host, list it in " + ALLOWED_HOSTS);
    }

    /** A broad block opens internal addresses; a forbidden one opens only to an entry inside it. */
    private static boolean opens(Cidr entry, InetAddress address, Optional<SpecialPurposeAddresses.Block> special) {
        if (!entry.contains(address)) {
            return false;
        }
        return special.isEmpty()
                || special.get().reach() == SpecialPurposeAddresses.Reach.INTERNAL
                || special.get().cidr().covers(entry);
    }

    private List<InetAddress> resolve(String host) throws Refused {
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException | SecurityException e) {
            LOG.debugf("Subscriber host %s could not be resolved: %s", host, e.getMessage());
            throw new Refused(Rule.UNRESOLVED, "the host name could not be resolved");
        }
        if (addresses == null || addresses.length == 0) {
            throw new Refused(Rule.UNRESOLVED, "the host name could not be resolved");
        }
        return List.of(addresses);
    }

    private Refused notListed() {
        return new Refused(Rule.NOT_LISTED, ALLOWED_HOSTS + " is set, and the host is not on it");
    }

    private static URI parse(String url) throws Refused {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Refused(Rule.INVALID, "not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused(Rule.SCHEME, "the URL must be an absolute http or https URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused(
                    Rule.CREDENTIALS,
                    "the URL must not contain user:password@; the push is authenticated by its signature, and a"
                            + " receiver can also check a secret path segment");
        }
        if (uri.getHost() == null) {
            throw new Refused(Rule.INVALID, "the URL has no valid host name");
        }
        if (uri.getRawFragment() != null) {
            throw new Refused(Rule.INVALID, "the URL must not contain a fragment (#...), which is never sent");
        }
        return uri;
    }

    private static boolean matches(String pattern, String host) {
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
