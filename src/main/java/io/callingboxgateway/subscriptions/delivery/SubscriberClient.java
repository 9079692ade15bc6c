package io.callingboxgateway.subscriptions.delivery;

import io.callingboxgateway.events.EventRendering;
import io.callingboxgateway.events.EventView;
import io.callingboxgateway.subscriptions.CheckedUrl;
import io.callingboxgateway.subscriptions.SubscriberUrlPolicy;
import io.callingboxgateway.subscriptions.SubscriptionConfig;
import io.callingboxgateway.tracing.DeliveryTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Posts one event to one subscriber, signed as Standard Webhooks prescribes.
 *
 * <p>The URL is checked against the policy at the first post of a run and again once that check is a
 * second old ({@link Destination}; its name may resolve elsewhere by now), and the connection goes to
 * an address of that very answer: the URL's host is kept only for
 * {@code Host}, SNI and the certificate check, so no second lookup can lead the push anywhere the
 * policy did not judge. Redirects are not followed, since a redirect could lead where the policy would
 * refuse to go.
 *
 * <p>The whole exchange (connect, request, response headers and body) runs under one deadline, the
 * attempt timeout; at most {@link #MAX_RESPONSE_BODY} bytes of the answer are read (and dropped) before
 * the connection is closed, so a subscriber that answers slowly or endlessly costs one attempt, not a
 * worker. What {@code last_error} records is coarse; addresses and exception text go to the log.
 */
@ApplicationScoped
public class SubscriberClient {

    private static final Logger LOG = Logger.getLogger(SubscriberClient.class);

    /** Receivers owe no body; a short one is read so the connection can be reused, a longer one is cut. */
    static final int MAX_RESPONSE_BODY = 64 * 1024;

    private final SubscriberUrlPolicy urls;
    private final Duration timeout;
    private final Vertx vertx;
    private final HttpClient http;
    private final DeliveryTracing tracing;
    private final EventRendering rendering;

    SubscriberClient(
            SubscriptionConfig config,
            SubscriberUrlPolicy urls,
            Vertx vertx,
            DeliveryTracing tracing,
            EventRendering rendering) {
        this.rendering = rendering;
        this.tracing = tracing;
        this.urls = urls;
        this.timeout = config.attemptTimeout();
        this.vertx = vertx;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setName("subscriber-push")
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setConnectTimeout((int) timeout.toMillis())
                .setMaxPoolSize(config.concurrency())
                // TLS checks the certificate against the URL's host, which also goes out as SNI.
                .setVerifyHost(true)
                .setForceSni(true)
                .setTrustAll(false)
                .setMaxRedirects(0)
                .setDecompressionSupported(false));
    }

    @PreDestroy
    void close() {
        http.close();
    }

    /** The {@code webhook-id} of an event: the same for every attempt, so receivers can drop repeats. */
    public static String webhookId(long eventId) {
        return "evt_" + eventId;
    }

    /** Where the pushes of one run go: the claim's URL, judged by the policy at the first push. */
    Destination destination(Claim claim) {
        return new Destination(claim.url(), urls);
    }

    /** Posts one event, to {@code destination}'s URL, judged again by the policy when its judgement is stale. */
    public AttemptResult post(Claim claim, Destination destination, EventView event) {
        return post(claim, destination, event, false);
    }

    /** @param replay whether the push is a replay's ({@code webhook-replay: true}) */
    public AttemptResult post(Claim claim, Destination destination, EventView event, boolean replay) {
        Span span = tracing.start("subscription push", event.id());
        try (Scope ignored = span.makeCurrent()) {
            span.setAttribute("gateway.subscription.id", claim.subscriptionId().toString());
            AttemptResult result = attempt(claim, destination, event, replay);
            if (result.status() != null) {
                span.setAttribute("http.response.status_code", result.status());
            }
            if (!result.delivered()) {
                span.setStatus(StatusCode.ERROR, result.error());
            }
            return result;
        } finally {
            span.end();
        }
    }

    private AttemptResult attempt(Claim claim, Destination destination, EventView event, boolean replay) {
        CheckedUrl target;
        try {
            target = destination.checked();
        } catch (SubscriberUrlPolicy.Refused e) {
            LOG.infof("Push to subscription %s not sent: %s", claim.subscriptionId(), e.getMessage());
            return AttemptResult.failed(
                    null, "refused by URL policy: " + e.rule().words());
        }
        // Masked first, then written in the subscriber's format: a CloudEvent carries only what it may see
        byte[] body = rendering.bytes(event.as(claim.includePersonalData()), claim.format());
        String id = webhookId(event.id());
        long timestamp = Instant.now().getEpochSecond();
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(addressOnly(target), target.port())))
                .setHost(target.host().contains(":") ? "[" + target.host() + "]" : target.host())
                .setPort(target.port())
                .setSsl(target.tls())
                .setURI(target.pathAndQuery())
                .setFollowRedirects(false)
                .putHeader("Content-Type", EventRendering.mediaType(claim.format()))
                .putHeader("User-Agent", "callingbox-gateway")
                .putHeader("webhook-id", id)
                .putHeader("webhook-timestamp", Long.toString(timestamp))
                .putHeader("webhook-signature", claim.signature(id, timestamp, body));
        if (replay) {
            // The same webhook-id as the first push (it is the same event): the header tells a receiver
            // that drops repeats by id to take this one
            request.putHeader("webhook-replay", "true");
        }
        try {
            return exchange(request, Buffer.buffer(body));
        } catch (TimeoutException e) {
            LOG.debugf("Push to subscription %s timed out after %s", claim.subscriptionId(), timeout);
            return AttemptResult.failed(null, "timeout");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AttemptResult.failed(null, "interrupted: the replica is shutting down");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            LOG.debugf(
                    "Push to subscription %s (%s at %s) failed: %s",
                    claim.subscriptionId(), target.host(), target.address().getHostAddress(), cause);
            return AttemptResult.unanswered(cause);
        }
    }

    /**
     * Runs one exchange on the event loop while the calling worker waits. A timer at the deadline
     * fails the attempt and resets the request, which closes its connection, whatever phase it is in.
     */
    private AttemptResult exchange(RequestOptions options, Buffer body)
            throws TimeoutException, InterruptedException, ExecutionException {
        Promise<AttemptResult> outcome = Promise.promise();
        AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
        long deadline = vertx.setTimer(timeout.toMillis(), tick -> {
            if (outcome.tryFail(new TimeoutException())) {
                reset(inFlight.get());
            }
        });
        outcome.future().onComplete(done -> vertx.cancelTimer(deadline));
        http.request(options).onComplete(created -> {
            if (created.failed()) {
                outcome.tryFail(created.cause());
                return;
            }
            HttpClientRequest request = created.result();
            inFlight.set(request);
            if (outcome.future().isComplete()) {
                reset(request); // the deadline passed while connecting
                return;
            }
            request.send(body).onComplete(answered -> {
                if (answered.failed()) {
                    outcome.tryFail(answered.cause());
                    return;
                }
                HttpClientResponse response = answered.result();
                AttemptResult result = AttemptResult.of(response);
                AtomicLong read = new AtomicLong();
                response.handler(chunk -> {
                    if (read.addAndGet(chunk.length()) > MAX_RESPONSE_BODY && outcome.tryComplete(result)) {
                        reset(request);
                    }
                });
                response.exceptionHandler(outcome::tryFail);
                response.endHandler(end -> outcome.tryComplete(result));
            });
        });
        CompletableFuture<AttemptResult> waiting =
                outcome.future().toCompletionStage().toCompletableFuture();
        try {
            // The timer ends the exchange at the deadline; the margin only guards against a stalled loop.
            return waiting.get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException timedOut) {
                throw timedOut;
            }
            throw e;
        } catch (InterruptedException | TimeoutException e) {
            if (outcome.tryFail(e)) {
                reset(inFlight.get());
            }
            throw e;
        }
    }

    private static void reset(HttpClientRequest request) {
        if (request != null) {
            request.reset();
        }
    }

    /** The checked address without the host name the resolver attached, so nothing looks it up again. */
    private static InetAddress addressOnly(CheckedUrl target) {
        try {
            return InetAddress.getByAddress(target.address().getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }
}
