package io.callingboxgateway.transcripts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.transcripts.TranscriptSchedule.Claim;
import io.callingboxgateway.upstream.CallingBoxClient;
import io.callingboxgateway.upstream.UpstreamException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Fetches the transcripts that are due: {@code GET /v1/calls/{id}/transcript} through the one
 * fault-tolerant client, stored with a {@code call.transcript_ready} event in one transaction. While
 * CallingBox has none yet (404 or no segments) the fetch is tried again after a doubling delay, up to
 * {@code callingbox.transcripts.max-attempts} tries; a request that fails counts as a try, unless
 * CallingBox is out of reach altogether (breaker open), which ends the run without using up any try.
 * Logs name the call, never a word of the transcript.
 */
@ApplicationScoped
public class TranscriptFetcher {

    private static final Logger LOG = Logger.getLogger(TranscriptFetcher.class);

    /** What one run did. */
    public record Report(int stored, int notYet, int gaveUp, int failed) {

        static final Report NONE = new Report(0, 0, 0, 0);
    }

    private final CallingBoxClient client;
    private final TranscriptSchedule schedule;
    private final TranscriptStore store;
    private final Reconciler reconciler;
    private final TranscriptsConfig config;
    private final MeterRegistry metrics;

    TranscriptFetcher(
            CallingBoxClient client,
            TranscriptSchedule schedule,
            TranscriptStore store,
            Reconciler reconciler,
            TranscriptsConfig config,
            MeterRegistry metrics) {
        this.client = client;
        this.schedule = schedule;
        this.store = store;
        this.reconciler = reconciler;
        this.config = config;
        this.metrics = metrics;
    }

    /** Whether this replica fetches at all: CALLINGBOX_TRANSCRIPTS is on and an API key is set. */
    public boolean enabled() {
        return config.enabled() && client.configured();
    }

    /** The fetches due at {@code now} (tests pass a later instant instead of waiting). */
    public Report fetchDue(Instant now) {
        if (!enabled()) {
            return Report.NONE;
        }
        List<Claim> claims = schedule.claimDue(now, config.claimTimeout(), config.batch());
        int stored = 0, notYet = 0, gaveUp = 0, failed = 0;
        for (Claim claim : claims) {
            Optional<ArrayNode> segments;
            try {
                segments = client.transcriptSegments(claim.callId());
            } catch (UpstreamException e) {
                boolean unreachable = e.kind() == UpstreamException.Kind.CIRCUIT_OPEN;
                LOG.debugf("Transcript of call %s not fetched: %s", claim.callId(), e.getMessage());
                failed++;
                count("failed");
                if (unreachable || claim.attempt() < config.maxAttempts()) {
                    schedule.retryAt(claim, now.plus(delayAfter(claim.attempt())), !unreachable);
                } else {
                    giveUp(claim, now);
                    gaveUp++;
                }
                continue;
            }
            if (segments.isPresent() && !segments.get().isEmpty()) {
                if (store(claim, segments.get(), now)) {
                    stored++;
                }
            } else if (claim.attempt() < config.maxAttempts()) {
                notYet++;
                count("not_yet");
                schedule.retryAt(claim, now.plus(delayAfter(claim.attempt())), true);
            } else {
                giveUp(claim, now);
                gaveUp++;
            }
        }
        return new Report(stored, notYet, gaveUp, failed);
    }

    private boolean store(Claim claim, ArrayNode segments, Instant now) {
        boolean stored = QuarkusTransaction.requiringNew().call(() -> {
            // The call's lock before the fetch row, the order of the personal-data sweeps too (they delete
            // the row under the lock), so neither waits on the other's lock while holding its own. A call
            // gone or kept redacted meanwhile gets no transcript.
            if (!reconciler.transcriptReady(claim.callId())) {
                return false;
            }
            if (!schedule.finish(claim, now, false)) {
                QuarkusTransaction.setRollbackOnly(); // the claim was lost: no event, no transcript
                return false;
            }
            store.save(claim.callId(), segments, now);
            return true;
        });
        if (stored) {
            count("stored");
            LOG.debugf("Transcript of call %s stored: %d segments", claim.callId(), segments.size());
        }
        return stored;
    }

    private void giveUp(Claim claim, Instant now) {
        QuarkusTransaction.requiringNew().run(() -> schedule.finish(claim, now, true));
        count("gave_up");
        LOG.infof("No transcript of call %s after %d tries; not asking again", claim.callId(), claim.attempt());
    }

    /** The wait after try {@code attempt}: the retry delay, doubled after each further try. */
    Duration delayAfter(int attempt) {
        return config.retryDelay().multipliedBy(1L << Math.min(attempt - 1, 20));
    }

    private void count(String outcome) {
        metrics.counter("gateway.transcripts.fetches", "outcome", outcome).increment();
    }
}
