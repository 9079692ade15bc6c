package io.callingboxgateway.testing;

import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams {@code GET /v1/calls} bodies of any length, generated call by call as the client reads, so a
 * 100k-call list never exists in memory on either side. Stubs opt in with
 * {@code withTransformers(CallListGenerator.NAME)}; the list is described by {@link #serve(Spec)}.
 */
public class CallListGenerator implements ResponseTransformerV2 {

    public static final String NAME = "call-list-generator";

    /**
     * {@code count} calls, newest first, created {@code spacing} apart from {@code newest}; every
     * {@code changedEvery}-th call (0: none) carries a later update, the later the higher the
     * {@code revision}, so successive lists can each change the same calls again.
     */
    public record Spec(int count, Instant newest, Duration spacing, int changedEvery, int revision) {
        public Spec(int count, Instant newest, Duration spacing, int changedEvery) {
            this(count, newest, spacing, changedEvery, 1);
        }
    }

    private static volatile Spec spec;
    private static final AtomicLong largestBodyServed = new AtomicLong();
    private static volatile boolean completed;

    public static void serve(Spec listSpec) {
        spec = listSpec;
        largestBodyServed.set(0);
        completed = false;
    }

    /** Bytes of the longest body handed to a client so far (WireMock's journal reads a short head too). */
    public static long bytesServed() {
        return largestBodyServed.get();
    }

    /** Whether some client read a body to its end. */
    public static boolean completed() {
        return completed;
    }

    /** Bytes of the whole list, computed without generating it twice in memory. */
    public static long fullLength(Spec listSpec) {
        long total = 2;
        for (int i = 0; i < listSpec.count(); i++) {
            total += json(listSpec, i).length + (i > 0 ? 1 : 0);
        }
        return total;
    }

    public static UUID id(int index) {
        return new UUID(0x0000_0000_0000_4000L, 0x8000_0000_0000_0000L | index);
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public Response transform(Response response, ServeEvent serveEvent) {
        Spec current = spec;
        return Response.Builder.like(response)
                .but()
                .body(() -> new ListStream(current))
                .build();
    }

    /**
     * Call {@code index} of the list as CallingBox would send it. Appended piece by piece rather than
     * formatted: the benchmark times reading this list, and the fake upstream should cost little of that.
     */
    public static byte[] json(Spec listSpec, int index) {
        Instant created = listSpec.newest().minus(listSpec.spacing().multipliedBy(index));
        boolean changed = listSpec.changedEvery() > 0 && index % listSpec.changedEvery() == 0;
        Instant updated = created.plusSeconds(changed ? 180 + 60L * listSpec.revision() : 180);
        String number = Integer.toString(index % 10_000_000);
        StringBuilder json = new StringBuilder(1400)
                .append("{\"id\":\"")
                .append(id(index))
                .append("\",\"agent_id\":\"5b0f6a9e-2f43-4c8e-9d55-0a7f3c2b1e10\",\"to_number\":\"+1555")
                .append("0000000", number.length(), 7)
                .append(number)
                .append(CALL_MIDDLE)
                .append(created)
                .append("\",\"started_at\":\"")
                .append(created.plusSeconds(2))
                .append("\",\"answered_at\":\"")
                .append(created.plusSeconds(10))
                .append("\",\"ended_at\":\"")
                .append(created.plusSeconds(105))
                .append("\",\"duration_seconds\":95,\"billed_duration_seconds\":")
                .append(changed ? 120 : 95)
                .append(",\"billing_amount_milli_cents\":")
                .append(changed ? 10_000 + listSpec.revision() : 7_917)
                .append(CALL_END)
                .append(updated)
                .append("\"}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static final String CALL_MIDDLE = """
            ","from_number":"+15550001111","status":"completed","direction":"outbound","answered_by":"human",\
            "persona":"Riley, a scheduling assistant","instructions":"Confirm the appointment time and ask \
            whether the patient needs a reminder the day before.","prompt":null,\
            "context":{"appointment":"2026-12-01T09:30:00Z","clinic":"Northside"},\
            "returns":{"confirmed":"boolean","notes":"string"},"result":{"confirmed":true,"notes":"ok"},\
            "result_status":"completed","result_error":null,"language":"en","webhook_url":null,\
            "webhook_status":"delivered","webhook_error":null,"created_at":\"""";

    private static final String CALL_END = """
            ,"reservation_status":"settled","error_code":null,"error_message":null,\
            "hangup_cause":"normal_clearing","metadata":{"batch":"generated"},"updated_at":\"""";

    /** The list, produced one call at a time as it is read. */
    static final class ListStream extends InputStream {
        private final Spec listSpec;
        private byte[] chunk = "[".getBytes(StandardCharsets.UTF_8);
        private int position;
        private int next;
        private boolean closed;
        private boolean ended;
        private long served;

        ListStream(Spec listSpec) {
            this.listSpec = listSpec;
        }

        private boolean fill() {
            while (position >= chunk.length) {
                if (ended) {
                    return false;
                }
                if (next < listSpec.count()) {
                    byte[] call = json(listSpec, next);
                    chunk = new byte[call.length + (next > 0 ? 1 : 0)];
                    if (next > 0) chunk[0] = ',';
                    System.arraycopy(call, 0, chunk, next > 0 ? 1 : 0, call.length);
                    next++;
                } else {
                    chunk = "]".getBytes(StandardCharsets.UTF_8);
                    ended = true;
                }
                position = 0;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (closed) throw new IOException("closed");
            if (!fill()) {
                completed = true;
                return -1;
            }
            int n = Math.min(length, chunk.length - position);
            System.arraycopy(chunk, position, buffer, offset, n);
            position += n;
            served += n;
            largestBodyServed.accumulateAndGet(served, Math::max);
            return n;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
