package io.callingboxgateway.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.database.DatabaseOutage;
import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.webhook.SignatureVerifier.Verification;
import io.callingboxgateway.webhook.WebhookMetrics.Rejection;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Decides what happens to one webhook, cheapest check first: media type, signature (over the raw
 * bytes, before any parsing), envelope, and only then the database. Logs name the event and the call,
 * never a secret or a phone number.
 */
@ApplicationScoped
public class WebhookIntake {

    private static final Logger LOG = Logger.getLogger(WebhookIntake.class);

    private final SignatureVerifier verifier;
    private final int secretCount;
    private final ObjectMapper json;
    private final GroupCommit commits;
    private final WebhookMetrics metrics;

    WebhookIntake(WebhookConfig config, ObjectMapper json, GroupCommit commits, WebhookMetrics metrics) {
        List<String> secrets = config.signingSecrets();
        this.verifier = new SignatureVerifier(secrets, config.tolerance(), Clock.systemUTC());
        this.secretCount = secrets.size();
        this.json = json;
        this.commits = commits;
        this.metrics = metrics;
    }

    void reportSecretsAtStartup(@Observes StartupEvent event) {
        if (secretCount == 0) {
            LOG.warn("No CallingBox webhook signing secret is configured (CALLINGBOX_WEBHOOK_SECRETS): every"
                    + " webhook will be refused with 401 until one is. Polling is unaffected.");
        } else {
            // the count only: nothing derived from a secret belongs in a log
            LOG.infof("CallingBox webhooks verified with %d signing secret(s)", secretCount);
        }
    }

    /**
     * Refuses, from the headers alone, a request that can never be accepted: not JSON (415), or a
     * signature header that is missing, malformed or dated outside the window (401, the same answer as
     * for a wrong signature). Runs before the body is read, so such a request costs no body reading.
     *
     * @throws ProblemException the answer to send
     */
    public void screen(String contentType, String signature) {
        if (!isJson(contentType)) {
            throw rejected(Rejection.MEDIA_TYPE, WebhookProblems.unsupportedMediaType());
        }
        SignatureVerifier.Result result = verifier.screen(signature);
        if (result == SignatureVerifier.Result.OUTSIDE_WINDOW) {
            // not authenticated yet, so debug only: anyone can send a stale timestamp
            LOG.debug("Webhook refused before its body: timestamp outside the window");
            throw rejected(Rejection.TIMESTAMP, WebhookProblems.invalidSignature());
        }
        if (result != null) {
            LOG.debugf("Webhook refused before its body: signature %s", result);
            throw rejected(Rejection.SIGNATURE, WebhookProblems.invalidSignature());
        }
    }

    public WebhookAck receive(String contentType, String signature, byte[] body) {
        if (!isJson(contentType)) {
            throw rejected(Rejection.MEDIA_TYPE, WebhookProblems.unsupportedMediaType());
        }
        verify(signature, body);
        WebhookEnvelope envelope;
        try {
            envelope = WebhookEnvelope.parse(json, body);
        } catch (ProblemException e) {
            throw rejected(Rejection.MALFORMED, e);
        }
        WebhookAck ack = store(envelope);
        metrics.accepted(envelope.type(), ack.duplicate());
        LOG.infof(
                "Webhook %s (%s) for call %s: %s",
                envelope.id(), envelope.type(), envelope.call().id(), ack.outcome());
        return ack;
    }

    private void verify(String signature, byte[] body) {
        Verification verification = verifier.verify(signature, body);
        switch (verification.result()) {
            case VERIFIED -> metrics.verified(verification.secretIndex(), verification.skewSeconds());
            case OUTSIDE_WINDOW -> {
                metrics.outsideWindow(verification.skewSeconds());
                LOG.infof("Webhook refused: signed %d s away from this clock", verification.skewSeconds());
                throw rejected(Rejection.TIMESTAMP, WebhookProblems.invalidSignature());
            }
            default -> {
                LOG.debugf("Webhook refused: signature %s", verification.result());
                throw rejected(Rejection.SIGNATURE, WebhookProblems.invalidSignature());
            }
        }
    }

    private WebhookAck store(WebhookEnvelope envelope) {
        try {
            return commits.store(envelope);
        } catch (WebhookProblems.StoreBusy e) {
            LOG.warnf("Webhook %s not confirmed as stored: %s", envelope.id(), e.getMessage());
            throw rejected(Rejection.BUSY, e);
        } catch (RuntimeException e) {
            if (valueRefused(e)) {
                // e.g. a NUL character in a text field: nothing was stored, and sending it again cannot help
                LOG.infof("Webhook %s refused: PostgreSQL cannot hold one of its values", envelope.id());
                throw rejected(
                        Rejection.MALFORMED,
                        WebhookProblems.malformed("The call holds a value that cannot be stored (a NUL"
                                + " character, or a number or date out of range)"));
            }
            if (!DatabaseOutage.isCauseOf(e)) {
                throw e;
            }
            LOG.warnf("Webhook %s not stored, database unavailable: %s", envelope.id(), e.toString());
            throw rejected(Rejection.UNAVAILABLE, new WebhookProblems.StoreUnavailable(e));
        }
    }

    /** SQL state class 22, data exception: PostgreSQL refused a value of this webhook, not the database. */
    private static boolean valueRefused(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState().startsWith("22");
            }
        }
        return false;
    }

    private RuntimeException rejected(Rejection reason, RuntimeException answer) {
        metrics.rejected(reason);
        return answer;
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            MediaType type = MediaType.valueOf(contentType);
            return type.getType().equalsIgnoreCase("application")
                    && type.getSubtype().equalsIgnoreCase("json");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
