package io.callingboxgateway.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.problem.Problem;
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

/**
 * Reads the raw body of {@code POST /webhooks/callingbox} before the REST layer sees the request, and
 * hands the resource those exact bytes: the signature covers them, not any re-serialisation.
 *
 * <p>The size limit is enforced while the body arrives, so an oversized one is never buffered whole,
 * and it runs ahead of Quarkus's own body limit, which would answer a bare 413 instead of problem JSON.
 * After a 413 the rest of the body is read and dropped, up to {@link #DRAIN_LIMIT}, so the client gets
 * to read the answer instead of a connection reset; past that the connection is closed.
 */
@ApplicationScoped
public class WebhookBodyReader {

    public static final String PATH = "/webhooks/callingbox";

    private static final String BODY = WebhookBodyReader.class.getName() + ".body";
    private static final long DRAIN_LIMIT = 1024 * 1024;

    private final int maxBytes;
    private final byte[] tooLarge;
    private final WebhookMetrics metrics;

    WebhookBodyReader(WebhookConfig config, ObjectMapper json, WebhookMetrics metrics) {
        this.maxBytes = (int) Math.min(config.maxBodySize().asLongValue(), Integer.MAX_VALUE);
        this.metrics = metrics;
        try {
            this.tooLarge = json.writeValueAsBytes(WebhookProblems.tooLarge(maxBytes));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
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
        if (declaredLength(request) > maxBytes) {
            if (expectsContinue(request)) {
                refuseBeforeBody(context);
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
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > maxBytes) {
                reject(context); // replaces this handler with one that drops the rest
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.endHandler(end -> {
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
                .end(Buffer.buffer(tooLarge));
    }

    /**
     * Answers a client that asked before sending ({@code Expect: 100-continue}) a body too large. It
     * will not send the body, so nothing more can come on this connection: close it once answered.
     */
    private void refuseBeforeBody(RoutingContext context) {
        metrics.rejected(Rejection.TOO_LARGE);
        context.response()
                .setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
                .end(Buffer.buffer(tooLarge))
                .onComplete(sent -> context.request().connection().close());
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
