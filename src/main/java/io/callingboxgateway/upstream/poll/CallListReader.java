package io.callingboxgateway.upstream.poll;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.upstream.UpstreamException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Reads the body of {@code GET /v1/calls}, one unpaged array of every call ever made, as a stream: one
 * call at a time, so memory does not grow with the list. Closing it early closes the body, which ends
 * the download (the rest of the list is never transferred).
 */
final class CallListReader implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CallListReader.class);

    /** One element of the list: a call, or the field that kept an element from being bound as one. */
    record Listed(CallSnapshot call, String unbindableField) {}

    private final InputStream body;
    private final ObjectMapper json;
    private final JsonParser parser;

    CallListReader(InputStream body, ObjectMapper json) {
        this.body = body;
        this.json = json;
        try {
            this.parser = json.getFactory().createParser(body);
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw badList("it is not a JSON array");
            }
        } catch (IOException e) {
            close();
            throw readFailed(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The next element, or null at the end of the list.
     *
     * @throws UpstreamException when the list cannot be read or holds something other than call objects
     */
    Listed next() {
        try {
            JsonToken token = parser.nextToken();
            if (token == JsonToken.END_ARRAY) {
                return null;
            }
            if (token != JsonToken.START_OBJECT) {
                throw badList("it holds something other than call objects");
            }
            // The element is read whole first (kept as received, ADR 0056), then bound
            JsonNode received = json.readTree(parser);
            try {
                return new Listed(CallSnapshot.read(json, received), null);
            } catch (JsonMappingException e) {
                // One call CallingBox sent in a shape we cannot bind must not stop the scan at it
                return new Listed(null, pathOf(e));
            }
        } catch (IOException e) {
            throw readFailed(e);
        }
    }

    @Override
    public void close() {
        try {
            if (parser != null) {
                parser.close();
            }
            body.close();
        } catch (IOException | RuntimeException e) {
            LOG.debugf("Closing the call list: %s", e.getMessage());
        }
    }

    /** The JSON field path a binding failure names, e.g. "created_at". */
    private static String pathOf(JsonMappingException e) {
        return e.getPath().stream()
                .map(JsonMappingException.Reference::getFieldName)
                .filter(Objects::nonNull)
                .collect(Collectors.joining("."));
    }

    private static UpstreamException readFailed(IOException e) {
        return new UpstreamException(
                e instanceof JacksonException ? UpstreamException.Kind.BAD_RESPONSE : UpstreamException.Kind.CONNECTION,
                "Reading GET /v1/calls failed: " + e.getMessage(),
                e);
    }

    private static UpstreamException badList(String why) {
        return new UpstreamException(
                UpstreamException.Kind.BAD_RESPONSE, "GET /v1/calls answered something unexpected: " + why, null);
    }
}
