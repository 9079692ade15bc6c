package io.callingboxgateway.upstream.poll;

import static io.callingboxgateway.upstream.poll.ScanCount.Verdict.OLDER_THAN_BACKFILL;
import static io.callingboxgateway.upstream.poll.ScanCount.Verdict.SET_ASIDE;
import static io.callingboxgateway.upstream.poll.ScanCount.Verdict.STOP;
import static io.callingboxgateway.upstream.poll.ScanCount.Verdict.TAKE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScanCountTest {

    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void aScanAfterACompleteOneTakesCallsDownToTheStopPointAndStopsAtTheFirstBelowIt() {
        ScanCount count = ScanCount.after(T0.minusSeconds(600));

        assertEquals(TAKE, count.judge(T0));
        assertEquals(TAKE, count.judge(T0.minusSeconds(600)), "exactly at the stop point is still read");
        assertEquals(STOP, count.judge(T0.minusSeconds(601)));
        assertEquals(3, count.read());
        assertEquals(T0, count.newest());
    }

    @Test
    void theFirstScanReadsTheWholeListAndLeavesCallsOlderThanTheBackfillAlone() {
        ScanCount count = ScanCount.first(T0.minusSeconds(3600));

        assertEquals(TAKE, count.judge(T0));
        assertEquals(OLDER_THAN_BACKFILL, count.judge(T0.minusSeconds(3601)));
        assertEquals(OLDER_THAN_BACKFILL, count.judge(T0.minusSeconds(86_400)));
        assertEquals(3, count.read());
        assertEquals(2, count.olderThanBackfill());
    }

    @Test
    void aCallSetAsideIsCountedButTakesNoPartInTheOrderOrTheNewest() {
        ScanCount count = ScanCount.after(T0.minusSeconds(60));

        assertEquals(SET_ASIDE, count.setAside());
        assertEquals(1, count.read());
        assertEquals(1, count.invalid());
        assertNull(count.newest(), "the mark never rests on a call that could not be stored");
        assertEquals(TAKE, count.judge(T0));
        assertEquals(T0, count.newest());
    }

    @Test
    void callsListedAfterAnOlderOneAreCountedOutOfOrderAndTheNewestIsStillTheNewest() {
        ScanCount count = ScanCount.first(T0.minusSeconds(86_400));

        count.judge(T0.minusSeconds(30));
        count.judge(T0);
        count.judge(T0.minusSeconds(60));
        count.judge(T0.minusSeconds(10));

        assertEquals(2, count.outOfOrder());
        assertEquals(T0, count.newest());
    }
}
