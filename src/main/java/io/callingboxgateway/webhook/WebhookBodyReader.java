package io.callingboxgateway.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.problem.Problem;
import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.webhook.WebhookMetrics.Rejection;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Reads the raw body of {@code POST /webhooks/callingbox} before the REST layer sees the request, and
 * hands the resource those exact bytes: the signature covers them, not any re-serialisation.
 *
 * <p>Cheapest refusal first. The headers are judged before a byte of the body is read: not JSON (415),
 * or a signature header that is missing, malformed or dated outside the window (401). Such a request is
 * answered at once with {@code Connection: close}; what the client keeps sending is dropped for a short
 * while ({@link #LINGER}, at most {@link #LINGER_BYTES}) so it gets to read the answer instead of a
 * connection reset, then the connection is closed.
 *
 * <p>A body that passed the headers must arrive whole within {@code callingbox.webhook.body-timeout},
 * else 408 and the connection closed: a client trickling bytes cannot hold a connection for long. The
 * size limit is enforced while the body arrives, so an oversized one is never buffered whole, and it
 * runs ahead of Quarkus's own body limit, which would answer a bare 413 instead of problem JSON. After a
 * 413 the rest of the body is read and dropped, up to {@link #DRAIN_LIMIT}; past that the connection is
 * closed.
 */
@ApplicationScoped
public class WebhookBodyReader {

    public static final String PATH = "/webhooks/callingbox";

    private static final String BODY = WebhookBodyReader.class.getName() + ".body";
    private static final long DRAIN_LIMIT = 1024 * 1024;
    /** How long a request refused on its headers may keep sending before its connection is closed. */
    static final Duration LINGER = Duration.ofSeconds(2);
    /** How much of the body of a request refused on its headers is dropped before the connection is closed. */
    static final long LINGER_BYTES = 64 * 1024;

    private final int maxBytes;
    private final Duration bodyTimeout;
    private final ObjectMapper json;
    private final WebhookIntake intake;
    private final WebhookMetrics metrics;

    WebhookBodyReader(WebhookConfig config, ObjectMapper json, WebhookIntake intake, WebhookMetrics metrics) {
        this.maxBytes = (int) Math.min(config.maxBodySize().asLongValue(), Integer.MAX_VALUE);
        this.bodyTimeout = config.bodyTimeout();
        this.json = json;
        this.intake = intake;
        this.metrics = metrics;
    }

    void install(@Observes Router router) {
        router.post(PATH).order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::read);
    }

    /** The bytes read for this request. */
    static byte[] body(RoutingContext context) {
        byte[] body = context.get(BODY);
        if (body == null) {
            throw new IllegalStateException("the webhook body was not read by " + WebhookBodyReader.class);
        }
        return body;
    }

    private void read(RoutingContext context) {
        HttpServerRequest request = context.request();
        try {
            intake.screen(request.getHeader(HttpHeaders.CONTENT_TYPE), request.getHeader(WebhookResource.SIGNATURE));
        } catch (ProblemException e) {
            refuseBeforeBody(context, e.problem());
            return;
        }
        if (declaredLength(request) > maxBytes) {
            if (expectsContinue(request)) {
                metrics.rejected(Rejection.TOO_LARGE);
                refuseBeforeBody(context, WebhookProblems.tooLarge(maxBytes));
            } else {
                reject(context);
            }
            return;
        }
        if (request.isEnded()) {
            // nothing left to read: an empty body, or one an earlier body handler buffered
            Buffer read = context.body() == null ? null : context.body().buffer();
            accept(context, read == null ? new byte[0] : read.getBytes());
            return;
        }
        if (expectsContinue(request)) {
            context.response().writeContinue();
        }
        long deadline = context.vertx().setTimer(bodyTimeout.toMillis(), fired -> tooSlow(context));
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > maxBytes) {
                context.vertx().cancelTimer(deadline);
                reject(context); // replaces this handler with one that drops the rest
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.endHandler(end -> {
            context.vertx().cancelTimer(deadline);
            if (!context.response().ended()) {
                accept(context, body.getBytes());
            }
        });
        request.resume();
    }

    private void accept(RoutingContext context, byte[] body) {
        if (body.length > maxBytes) {
            reject(context);
            return;
        }
        context.put(BODY, body);
        context.next();
    }

    private void reject(RoutingContext context) {
        metrics.rejected(Rejection.TOO_LARGE);
        HttpServerRequest request = context.request();
        if (!request.isEnded()) {
            long[] dropped = {0};
            request.handler(chunk -> {
                dropped[0] += chunk.length();
                if (dropped[0] > DRAIN_LIMIT) {
                    request.connection().close();
                }
            });
            request.endHandler(end -> {});
            request.resume();
        }
        context.response()
                .setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(problemBytes(WebhookProblems.tooLarge(maxBytes)));
    }

    /** The body did not arrive in time: answer 408 and end the connection, whatever is still to come. */
    private void tooSlow(RoutingContext context) {
        if (context.response().ended() || context.request().isEnded()) {
            return;
        }
        metrics.rejected(Rejection.BODY_TIMEOUT);
        HttpServerRequest request = context.request();
        request.handler(chunk -> {}); // drop anything arriving while the answer goes out
        request.endHandler(end -> {});
        context.response()
                .setStatusCode(408)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
                .end(problemBytes(WebhookProblems.bodyTimeout(bodyTimeout)))
                .onComplete(sent -> request.connection().close());
    }

    /**
     * Answers before reading the body, and ends the connection: the body that may follow is of no use.
     * A client that asked first ({@code Expect: 100-continue}) will not send it, so its connection is
     * closed at once; any other may be sending already, so it gets a short grace to finish.
     */
    private void refuseBeforeBody(RoutingContext context, Problem problem) {
        HttpServerRequest request = context.request();
        context.response()
                .setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
                .end(problemBytes(problem))
                .onComplete(sent -> {
                    if (expectsContinue(request) || request.isEnded()) {
                        request.connection().close();
                    } else {
                        lingerThenClose(context);
                    }
                });
    }

    private void lingerThenClose(RoutingContext context) {
        HttpServerRequest request = context.request();
        long timer = context.vertx()
                .setTimer(LINGER.toMillis(), fired -> request.connection().close());
        long[] dropped = {0};
        request.handler(chunk -> {
            dropped[0] += chunk.length();
            if (dropped[0] > LINGER_BYTES) {
                context.vertx().cancelTimer(timer);
                request.connection().close();
            }
        });
        request.endHandler(end -> {
            context.vertx().cancelTimer(timer);
            request.connection().close();
        });
        request.resume();
    }

    private Buffer problemBytes(Problem problem) {
        try {
            return Buffer.buffer(json.writeValueAsBytes(problem));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean expectsContinue(HttpServerRequest request) {
        return "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT));
    }

    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
