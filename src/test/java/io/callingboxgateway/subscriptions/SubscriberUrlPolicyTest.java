package io.callingboxgateway.subscriptions;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SubscriberUrlPolicyTest {

    /** A DNS whose answers the test sets; IP literals resolve to themselves, as with the real one. */
    private final Map<String, String[]> dns = new ConcurrentHashMap<>();

    private final SubscriberUrlPolicy.Resolver resolver = host -> {
        String[] answer = dns.get(host);
        if (answer == null) {
            if (host.matches("[0-9.]+") || host.contains(":")) {
                return new InetAddress[] {InetAddress.getByName(host)};
            }
            throw new UnknownHostException(host);
        }
        InetAddress[] addresses = new InetAddress[answer.length];
        for (int i = 0; i < answer.length; i++) {
            addresses[i] = InetAddress.getByName(answer[i]);
        }
        return addresses;
    };

    private final SubscriberUrlPolicy open = new SubscriberUrlPolicy(List.of(), resolver);

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:8080/hook",
                "http://[::1]:8080/hook",
                "https://10.1.2.3/hook",
                "http://172.16.0.9/hook",
                "http://192.168.1.20/hook",
                "http://100.64.0.1/hook",
                "https://hooks.svc.cluster.local/in",
                "HTTPS://Hooks.Svc.Cluster.Local./in"
            })
    void allowsLoopbackAndPrivateAddresses(String url) {
        dns.put("hooks.svc.cluster.local", new String[] {"10.96.0.12"});
        assertDoesNotThrow(() -> open.check(url));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "ftp://127.0.0.1/hook | url must be an absolute http or https URL",
                "/relative/hook | url must be an absolute http or https URL",
                "http://user:secret@127.0.0.1/hook | url must not contain credentials",
                "http://token@127.0.0.1/hook | url must not contain credentials",
                "http://127.0.0.1/hook#part | url must not contain a fragment",
                "http:///hook | url has no valid host name",
                "http://exa mple.com/ | url is not a valid URL",
                "http://169.254.169.254/latest/meta-data/ | resolves to 169.254.169.254, a cloud metadata address",
                "http://169.254.10.1/ | resolves to 169.254.10.1, a link-local address",
                "http://[fe80::1]/ | a link-local address",
                "http://[fd00:ec2::254]/ | a cloud metadata address",
                "http://100.100.100.200/ | a cloud metadata address",
                "http://0.0.0.0:8080/ | the unspecified address",
                "http://[::]:8080/ | the unspecified address",
                "http://224.0.0.1/ | a multicast or broadcast address",
                "http://[::ffff:169.254.169.254]/ | a cloud metadata address",
                "http://[64:ff9b::a9fe:a9fe]/ | a cloud metadata address",
                "http://metadata.google.internal/computeMetadata/v1/ | is a cloud metadata service",
                "http://nowhere.invalid/ | host 'nowhere.invalid' does not resolve"
            })
    void refusesWithAPreciseReason(String url, String reason) {
        SubscriberUrlPolicy.Refused refused = assertThrows(SubscriberUrlPolicy.Refused.class, () -> open.check(url));
        assertContains(refused.getMessage(), reason);
    }

    @Test
    void aNameIsJudgedByEveryAddressItResolvesTo() {
        dns.put("mixed.example", new String[] {"10.0.0.1", "169.254.169.254"});
        SubscriberUrlPolicy.Refused refused =
                assertThrows(SubscriberUrlPolicy.Refused.class, () -> open.check("http://mixed.example/hook"));
        assertEquals(
                "host 'mixed.example' resolves to 169.254.169.254, a cloud metadata address", refused.getMessage());
    }

    @Test
    void aNameRepointedAfterValidationIsRefusedAtTheNextCheck() throws Exception {
        dns.put("hooks.example", new String[] {"10.0.0.7"});
        open.check("http://hooks.example/in");

        dns.put("hooks.example", new String[] {"169.254.169.254"});

        assertThrows(SubscriberUrlPolicy.Refused.class, () -> open.check("http://hooks.example/in"));
    }

    @Test
    void allowedHostsNarrowToMatchingHosts() throws Exception {
        dns.put("a.internal.example.com", new String[] {"10.0.0.1"});
        dns.put("internal.example.com", new String[] {"10.0.0.2"});
        dns.put("hooks.svc.cluster.local", new String[] {"10.0.0.3"});
        dns.put("other.example.com", new String[] {"10.0.0.4"});
        SubscriberUrlPolicy narrowed = new SubscriberUrlPolicy(
                List.of("*.internal.example.com", " 10.1.2.3", "Hooks.svc.cluster.local", ""), resolver);

        narrowed.check("https://a.internal.example.com/in");
        narrowed.check("http://10.1.2.3:9000/in");
        narrowed.check("http://HOOKS.svc.cluster.local./in");

        for (String url :
                List.of("https://internal.example.com/in", "http://10.1.2.4/in", "http://other.example.com/in")) {
            SubscriberUrlPolicy.Refused refused =
                    assertThrows(SubscriberUrlPolicy.Refused.class, () -> narrowed.check(url), url);
            assertContains(refused.getMessage(), "is not allowed: GATEWAY_SUBSCRIPTION_ALLOWED_HOSTS permits only");
        }
    }

    @Test
    void anAllowedHostStillMayNotResolveToMetadata() {
        dns.put("hooks.internal.example.com", new String[] {"169.254.169.254"});
        SubscriberUrlPolicy narrowed = new SubscriberUrlPolicy(List.of("*.internal.example.com"), resolver);

        assertThrows(SubscriberUrlPolicy.Refused.class, () -> narrowed.check("http://hooks.internal.example.com/"));
    }

    private static void assertContains(String actual, String expected) {
        if (!actual.contains(expected)) {
            throw new AssertionError("expected '%s' to contain '%s'".formatted(actual, expected));
        }
    }

    @SuppressWarnings("unused")
    private static String show(InetAddress[] addresses) {
        return Arrays.toString(addresses);
    }
}
