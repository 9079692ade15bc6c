package io.callingboxgateway.subscriptions;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The gateway as shipped, with no GATEWAY_SUBSCRIPTION_ALLOWED_HOSTS: the addresses an attacker able
 * to create a subscription would aim at are refused through the API, saying which rule refused them
 * and not what the host resolved to.
 */
@QuarkusTest
@TestProfile(DefaultUrlPolicyTest.NoAllowList.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DefaultUrlPolicyTest {

    public static class NoAllowList implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Empty is unset; the %test key is the one the test profile would otherwise read.
            return Map.of("%test.gateway.subscription.allowed-hosts", "");
        }
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
                "http://169.254.169.254/latest/meta-data/ | private address",
                "http://[::ffff:127.0.0.1]/hook | private address",
                "http://[64:ff9b::a00:1]/hook | private address",
                "http://[2002:a00:1::]/hook | private address",
                "http://0.0.0.0/hook | private address",
                "http://192.0.0.192/hook | private address",
                "http://[fd00:ec2::254]/hook | private address",
                "http://2130706433/hook | invalid URL",
                "https://hooks.example.com:8443/hook | port not allowed",
                "http://127.0.0.1:8080/hook | port not allowed"
            })
    void internalAddressesAndOtherPortsAreRefusedByDefault(String url, String rule) {
        SubscriptionApi.create(Map.of("url", url))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("parameter", equalTo("url"))
                .body("detail", containsString("url refused (" + rule + ")"))
                .body("detail", not(containsString("127.0.0.1")))
                .body("detail", not(containsString("169.254")));
        given().get("/subscriptions").then().body("data.url", not(hasItem(url)));
    }
}
