package io.callingboxgateway.subscriptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callingboxgateway.subscriptions.SubscriberUrlPolicy.Refused;
import io.callingboxgateway.subscriptions.SubscriberUrlPolicy.Rule;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The policy as configured by GATEWAY_SUBSCRIPTION_ALLOWED_HOSTS, over a DNS whose answers the test sets. */
class SubscriberUrlPolicyTest {

    private final Map<String, String[]> dns = new ConcurrentHashMap<>();

    /** IP literals resolve to themselves, as with the real resolver; other names only as the test says. */
    private final HostResolver resolver = host -> {
        String[] answer = dns.get(host);
        if (answer == null) {
            InetAddress literal = Cidr.literal(host);
            if (literal == null) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {literal};
        }
        InetAddress[] addresses = new InetAddress[answer.length];
        for (int i = 0; i < answer.length; i++) {
            addresses[i] = Cidr.literal(answer[i]);
        }
        return addresses;
    };

    private final SubscriberUrlPolicy byDefault = new SubscriberUrlPolicy(List.of(), resolver);

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://hooks.example.com/in",
                "http://hooks.example.com/in?team=billing",
                "https://hooks.example.com:443/in",
                "http://hooks.example.com:80/in",
                "HTTPS://Hooks.Example.Com./in",
                "https://8.8.8.8/in",
                "https://[2606:4700::1111]/in",
                "https://[64:ff9b::808:808]/in"
            })
    void byDefaultPublicHostsOnTheWebPortsAreAllowed(String url) throws Exception {
        dns.put("hooks.example.com", new String[] {"93.184.216.34", "2606:2800:220:1::1"});
        assertEquals(url, byDefault.check(url).uri().toString());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "http://127.0.0.1/hook | private address",
                "http://localhost/hook | private address",
                "http://10.0.0.5/hook | private address",
                "http://[fd00::1]/hook | private address",
                "http://100.64.0.1/hook | private address",
                "http://[::169.254.169.254]/latest/meta-data/ | private address",
                "http://[::ffff:127.0.0.1]/ | private address",
                "http://[64:ff9b::a00:1]/ | private address",
                "http://[2002:a00:1::]/ | private address",
                "http://0.0.0.0/ | private address",
                "http://224.0.0.1/ | private address",
                "http://192.0.0.192/ | private address",
                "http://169.254.169.254/latest/meta-data/ | private address",
                "http://[fd00:ec2::254]/ | private address",
                "http://[::1]/ | private address",
                "http://2130706433/ | invalid URL",
                "http://0177.0.0.1/ | invalid URL",
                "http://017.0.0.1/ | invalid URL",
                "http://127.1/ | invalid URL",
                "http://0x7f.1/ | invalid URL",
                "http://0x7f000001/ | invalid URL",
                "https://hooks.example.com:8443/in | port not allowed",
                "http://hooks.example.com:22/in | port not allowed",
                "ftp://hooks.example.com/in | scheme",
                "/relative/hook | scheme",
                "http://user:secret@hooks.example.com/in | credentials in URL",
                "http://token@hooks.example.com/in | credentials in URL",
                "http://hooks.example.com/in#part | invalid URL",
                "http:///hook | invalid URL",
                "http://exa mple.com/ | invalid URL",
                "http://nowhere.invalid/ | could not be resolved"
            })
    void byDefaultEverythingElseIsRefusedNamingTheRule(String url, String rule) {
        dns.put("hooks.example.com", new String[] {"93.184.216.34"});
        dns.put("localhost", new String[] {"127.0.0.1", "::1"});
        Refused refused = assertThrows(Refused.class, () -> byDefault.check(url));
        assertEquals(rule, refused.rule().words());
        assertContains(refused.getMessage(), "url refused (" + rule + ")");
    }

    @Test
    void aRefusalNeverEchoesTheAddressesAHostResolvedTo() {
        dns.put("sneaky.example.com", new String[] {"93.184.216.34", "169.254.169.254"});
        Refused refused = assertThrows(Refused.class, () -> byDefault.check("https://sneaky.example.com/"));
        assertEquals(Rule.PRIVATE, refused.rule(), "one bad address refuses the host");
        assertFalse(refused.getMessage().contains("169.254"), refused.getMessage());
        assertFalse(refused.getMessage().contains("93.184"), refused.getMessage());
    }

    @Test
    void aNameRepointedAfterItWasAcceptedIsRefusedAtTheNextCheck() throws Exception {
        dns.put("hooks.example.com", new String[] {"93.184.216.34"});
        byDefault.check("https://hooks.example.com/in");

        dns.put("hooks.example.com", new String[] {"10.0.0.7"});

        assertEquals(
                Rule.PRIVATE,
                assertThrows(Refused.class, () -> byDefault.check("https://hooks.example.com/in"))
                        .rule());
    }

    @Test
    void theCheckedUrlCarriesTheAddressesItWasJudgedBy() throws Exception {
        dns.put("hooks.example.com", new String[] {"93.184.216.34", "2606:2800:220:1::1"});

        CheckedUrl checked = byDefault.check("https://Hooks.Example.com/in?x=1");

        assertEquals("hooks.example.com", checked.host());
        assertEquals(443, checked.port());
        assertEquals("/in?x=1", checked.pathAndQuery());
        assertEquals(Cidr.literal("93.184.216.34"), checked.address());
        assertEquals(2, checked.addresses().size());
    }

    @Test
    void aListOpensExactlyWhatItListsOnAnyPort() throws Exception {
        dns.put("a.hooks.internal", new String[] {"10.0.0.1"});
        dns.put("hooks.internal", new String[] {"10.0.0.2"});
        dns.put("billing.svc", new String[] {"fd00::12"});
        dns.put("in-block.corp", new String[] {"172.20.1.1"});
        dns.put("public.example.com", new String[] {"93.184.216.34"});
        SubscriberUrlPolicy listed = new SubscriberUrlPolicy(
                List.of("*.hooks.internal", " Billing.svc", "127.0.0.1", "172.20.0.0/16", "[::1]", ""), resolver);

        for (String url : List.of(
                "http://a.hooks.internal:9000/in",
                "http://billing.svc:8080/in",
                "http://BILLING.svc./in",
                "http://127.0.0.1:12345/in",
                "http://[::1]:8080/in",
                "http://172.20.9.9:81/in",
                "http://in-block.corp:8081/in")) {
            listed.check(url);
        }
        for (String url : List.of(
                "http://hooks.internal/in",
                "http://127.0.0.2/in",
                "http://10.0.0.1/in",
                "https://public.example.com/in",
                "https://8.8.8.8/in")) {
            assertEquals(
                    Rule.NOT_LISTED,
                    assertThrows(Refused.class, () -> listed.check(url), url).rule(),
                    url);
        }
    }

    @Test
    void aListedNameMayBeInternalButNeverMetadataOrLinkLocal() throws Exception {
        dns.put("a.hooks.internal", new String[] {"10.0.0.1", "127.0.0.1", "fd00::1"});
        dns.put("b.hooks.internal", new String[] {"169.254.169.254"});
        dns.put("c.hooks.internal", new String[] {"fe80::1"});
        SubscriberUrlPolicy listed = new SubscriberUrlPolicy(List.of("*.hooks.internal"), resolver);

        listed.check("http://a.hooks.internal:8080/");
        assertEquals(
                Rule.PRIVATE,
                assertThrows(Refused.class, () -> listed.check("http://b.hooks.internal/"))
                        .rule());
        assertEquals(
                Rule.PRIVATE,
                assertThrows(Refused.class, () -> listed.check("http://c.hooks.internal/"))
                        .rule());
    }

    @Test
    void aBroadBlockOpensPrivateAddressesButAForbiddenOneOnlyWhenListedItself() throws Exception {
        SubscriberUrlPolicy everything = new SubscriberUrlPolicy(List.of("0.0.0.0/0", "::/0"), resolver);
        everything.check("http://10.1.2.3:8080/");
        everything.check("http://[fd00::1]:8080/");
        assertEquals(
                Rule.PRIVATE,
                assertThrows(Refused.class, () -> everything.check("http://169.254.169.254/"))
                        .rule());

        SubscriberUrlPolicy metadataToo = new SubscriberUrlPolicy(List.of("169.254.169.254"), resolver);
        metadataToo.check("http://169.254.169.254/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "http://hooks.example.com", "10.0.0.0/40", "hooks example", "*.", "a..b"})
    void aMalformedListEntryStopsTheGatewayAtStart(String entry) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new SubscriberUrlPolicy(List.of(entry), resolver));
        assertFalse(e.getMessage().isEmpty());
    }

    private static void assertContains(String actual, String expected) {
        if (!actual.contains(expected)) {
            throw new AssertionError("expected '%s' to contain '%s'".formatted(actual, expected));
        }
    }
}
