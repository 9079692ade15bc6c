package io.callingboxgateway.webhook;

import static io.callingboxgateway.testing.SignedWebhook.signature;
import static io.callingboxgateway.testing.SignedWebhook.v1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.callingboxgateway.webhook.SignatureVerifier.Result;
import io.callingboxgateway.webhook.SignatureVerifier.Verification;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class SignatureVerifierTest {

    private static final String CURRENT = "whsec_current_0123456789abcdef";
    private static final String PREVIOUS = "whsec_previous_fedcba9876543210";
    private static final long NOW = 1_713_268_860L;
    private static final byte[] BODY = "{\"id\":\"e1\",\"type\":\"call.completed\"}".getBytes(UTF_8);

    private final SignatureVerifier verifier = verifierAt(NOW, CURRENT, PREVIOUS);

    @Test
    void validSignatureVerifiesWithTheSecretThatMadeIt() {
        Verification v = verifier.verify(signature(CURRENT, NOW, BODY), BODY);

        assertEquals(new Verification(Result.VERIFIED, 0, 0), v);
    }

    @Test
    void keyIsTheWholeSecretStringIncludingItsPrefix() {
        String withoutPrefix = CURRENT.substring("whsec_".length());

        assertEquals(
                Result.MISMATCH,
                verifier.verify(signature(withoutPrefix, NOW, BODY), BODY).result());
    }

    @Test
    void tamperedBodyIsRejected() {
        String header = signature(CURRENT, NOW, BODY);
        byte[] tampered = "{\"id\":\"e1\",\"type\":\"call.failed\"}".getBytes(UTF_8);

        assertEquals(Result.MISMATCH, verifier.verify(header, tampered).result());
    }

    @Test
    void reserialisedBodyIsRejected() {
        String header = signature(CURRENT, NOW, BODY);
        byte[] sameJsonOtherBytes = "{\"id\": \"e1\", \"type\": \"call.completed\"}".getBytes(UTF_8);

        assertEquals(
                Result.MISMATCH, verifier.verify(header, sameJsonOtherBytes).result());
    }

    @Test
    void wrongSecretIsRejected() {
        assertEquals(
                Result.MISMATCH,
                verifier.verify(signature("whsec_someone_else", NOW, BODY), BODY)
                        .result());
    }

    @Test
    void previousSecretStillVerifiesDuringARotation() {
        Verification v = verifier.verify(signature(PREVIOUS, NOW, BODY), BODY);

        assertEquals(Result.VERIFIED, v.result());
        assertEquals(1, v.secretIndex());
    }

    @Test
    void anyOfSeveralV1ValuesMayMatch() {
        String header = "t=" + NOW + ",v1=" + v1("whsec_retired", Long.toString(NOW), BODY) + ",v1="
                + v1(PREVIOUS, Long.toString(NOW), BODY);

        Verification v = verifier.verify(header, BODY);

        assertEquals(Result.VERIFIED, v.result());
        assertEquals(1, v.secretIndex());
    }

    @Test
    void unknownSchemesAndSpacesAroundPartsAreIgnored() {
        String header = " t=" + NOW + " , v0=deadbeef, v1=" + v1(CURRENT, Long.toString(NOW), BODY) + " ";

        assertEquals(Result.VERIFIED, verifier.verify(header, BODY).result());
    }

    @Test
    void timestampIsSignedAsSent() {
        String header = "t=0" + NOW + ",v1=" + v1(CURRENT, Long.toString(NOW), BODY);

        assertEquals(Result.MISMATCH, verifier.verify(header, BODY).result());
    }

    @Test
    void missingTimestampIsMalformed() {
        assertEquals(
                Result.MALFORMED,
                verifier.verify("v1=" + v1(CURRENT, Long.toString(NOW), BODY), BODY)
                        .result());
    }

    @Test
    void missingV1IsMalformed() {
        assertEquals(Result.MALFORMED, verifier.verify("t=" + NOW, BODY).result());
        assertEquals(
                Result.MALFORMED, verifier.verify("t=" + NOW + ",v1=", BODY).result());
    }

    @Test
    void nonNumericTimestampIsMalformed() {
        String sig = v1(CURRENT, "soon", BODY);

        assertEquals(Result.MALFORMED, verifier.verify("t=soon,v1=" + sig, BODY).result());
        assertEquals(Result.MALFORMED, verifier.verify("t=-5,v1=" + sig, BODY).result());
        assertEquals(
                Result.MALFORMED,
                verifier.verify("t=99999999999999999999,v1=" + sig, BODY).result());
    }

    @Test
    void twoTimestampsAreMalformed() {
        String sig = v1(CURRENT, Long.toString(NOW), BODY);

        assertEquals(
                Result.MALFORMED,
                verifier.verify("t=" + NOW + ",t=" + NOW + ",v1=" + sig, BODY).result());
    }

    @Test
    void garbageHeadersAreMalformed() {
        for (String header : new String[] {null, "", ",", "garbage", "t", "v1", "t=,v1=", "sha256=abc"}) {
            assertEquals(Result.MALFORMED, verifier.verify(header, BODY).result(), "header " + header);
        }
    }

    @Test
    void uppercaseHexIsRejectedBecauseCallingBoxSendsLowercase() {
        String upper = v1(CURRENT, Long.toString(NOW), BODY).toUpperCase(Locale.ROOT);

        assertEquals(
                Result.MISMATCH,
                verifier.verify("t=" + NOW + ",v1=" + upper, BODY).result());
    }

    @Test
    void timestampJustInsideTheWindowIsAcceptedInBothDirections() {
        Verification past = verifier.verify(signature(CURRENT, NOW - 300, BODY), BODY);
        Verification future = verifier.verify(signature(CURRENT, NOW + 300, BODY), BODY);

        assertEquals(new Verification(Result.VERIFIED, 0, 300), past);
        assertEquals(new Verification(Result.VERIFIED, 0, 300), future);
    }

    @Test
    void timestampJustOutsideTheWindowIsRejectedInBothDirections() {
        Verification stale = verifier.verify(signature(CURRENT, NOW - 301, BODY), BODY);
        Verification future = verifier.verify(signature(CURRENT, NOW + 301, BODY), BODY);

        assertEquals(new Verification(Result.OUTSIDE_WINDOW, 0, 301), stale);
        assertEquals(new Verification(Result.OUTSIDE_WINDOW, 0, 301), future);
    }

    @Test
    void anUnsignedOldRequestIsASignatureFailureNotAClockOne() {
        assertEquals(
                Result.MISMATCH,
                verifier.verify(signature("whsec_forged", NOW - 10_000, BODY), BODY)
                        .result());
    }

    @Test
    void withoutSecretsNothingVerifies() {
        SignatureVerifier unconfigured = verifierAt(NOW);

        assertEquals(
                Result.NO_SECRETS,
                unconfigured.verify(signature(CURRENT, NOW, BODY), BODY).result());
    }

    @Test
    void screeningFromTheHeaderAloneRefusesWhatCanNeverVerify() {
        assertEquals(Result.MALFORMED, verifier.screen(null));
        assertEquals(Result.MALFORMED, verifier.screen("garbage"));
        assertEquals(Result.MALFORMED, verifier.screen("t=" + NOW)); // no v1
        assertEquals(Result.MALFORMED, verifier.screen("t=yesterday,v1=00"));
        assertEquals(Result.OUTSIDE_WINDOW, verifier.screen("t=" + (NOW - 301) + ",v1=00"));
        assertEquals(Result.OUTSIDE_WINDOW, verifier.screen("t=" + (NOW + 301) + ",v1=00"));
        assertEquals(Result.NO_SECRETS, verifierAt(NOW).screen(signature(CURRENT, NOW, BODY)));
    }

    @Test
    void screeningLeavesAPlausibleHeaderToTheBodyCheck() {
        // any v1 passes the screen: only the HMAC over the body can tell a forgery
        assertNull(verifier.screen("t=" + (NOW - 300) + ",v1=00"));
        assertNull(verifier.screen(signature(CURRENT, NOW, BODY)));
    }

    private static SignatureVerifier verifierAt(long epochSecond, String... secrets) {
        Clock clock = Clock.fixed(Instant.ofEpochSecond(epochSecond, 999_000_000), ZoneOffset.UTC);
        return new SignatureVerifier(List.of(secrets), Duration.ofSeconds(300), clock);
    }
}
