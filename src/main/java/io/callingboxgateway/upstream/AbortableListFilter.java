package io.callingboxgateway.upstream;

import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnection;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.ClientResponseFilter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.jboss.resteasy.reactive.client.impl.RestClientRequestContext;
import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientRequestContext;

/**
 * Lets discovery stop reading the call list half-way. The REST client's streamed body, when closed
 * early, still receives (and drops) the rest of the response: for a list of every call ever made that
 * is the whole download we meant to avoid. This filter wraps the body of {@code GET /v1/calls} so that
 * closing it before the end closes the connection instead, and CallingBox stops sending.
 */
class AbortableListFilter implements ClientResponseFilter {

    @Override
    public void filter(ClientRequestContext request, ClientResponseContext response) {
        if (response.getStatus() != 200
                || !request.getUri().getPath().endsWith("/v1/calls")
                || !(request instanceof ResteasyReactiveClientRequestContext reactive)) {
            return;
        }
        RestClientRequestContext context = reactive.unwrap(RestClientRequestContext.class);
        HttpClientRequest vertxRequest = context == null ? null : context.getHttpClientRequest();
        if (vertxRequest != null && response.getEntityStream() != null) {
            response.setEntityStream(new AbortOnClose(response.getEntityStream(), vertxRequest.connection()));
        }
    }

    static final class AbortOnClose extends FilterInputStream {

        private final HttpConnection connection;
        private boolean ended;

        AbortOnClose(InputStream body, HttpConnection connection) {
            super(body);
            this.connection = connection;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            ended |= n < 0;
            return n;
        }

        @Override
        public void close() throws IOException {
            if (!ended) {
                connection.close();
            }
            super.close();
        }
    }
}
