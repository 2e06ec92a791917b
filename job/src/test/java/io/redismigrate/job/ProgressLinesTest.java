package io.redismigrate.job;

import io.redismigrate.job.ProgressLines.SplitView;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProgressLinesTest {
    private static final long NOW = 1_000_000;

    @Test
    void snapshotLineWithRatesSinceTheStart() {
        SplitView s = new SplitView("10.0.0.5:6379", 0, 42.04, 1_230_000, 2_900_000, 450L << 20, NOW - 100_000, 0, 200, -1, -1, -1);
        assertEquals("redis-migrate: 10.0.0.5:6379 snapshot 42.0%, 1.2M/2.9M keys, 12.3k keys/s, 4.5 MB/s, ETA 3m 20s",
                ProgressLines.line(s, NOW));
    }

    @Test
    void ratesStopAtTheEndOfTheSnapshot() {
        SplitView parsed = new SplitView("10.0.0.5:6379", 0, 100, 200_000, 200_000, 40L << 20, NOW - 60_000, NOW - 50_000, 0,
                -1, -1, -1);
        assertEquals("redis-migrate: 10.0.0.5:6379 snapshot 100.0%, 200.0k/200.0k keys, 20.0k keys/s, 4.0 MB/s, ETA 0s",
                ProgressLines.line(parsed, NOW));
    }

    @Test
    void snapshotLineBeforeAnythingIsKnown() {
        SplitView s = new SplitView("10.0.0.5:6379", 0, -1, 0, -1, 0, 0, 0, -1, -1, -1, -1);
        assertEquals("redis-migrate: 10.0.0.5:6379 snapshot ?%, 0 keys, ETA ?", ProgressLines.line(s, NOW));
    }

    @Test
    void streamLineAndCaughtUp() {
        SplitView stream = new SplitView("slots-0-5460", 1, 100, 10, 10, 100, NOW - 5000, NOW - 4000, 0, 1500, 20 * 1024, 98765);
        assertEquals("redis-migrate: slots-0-5460 stream: lag 1500 ms, 20.0 KB behind, applied offset 98765",
                ProgressLines.line(stream, NOW));
        SplitView caught = new SplitView("slots-0-5460", 2, 100, 10, 10, 100, NOW - 5000, NOW - 4000, 0, 3, 0, 99000);
        assertEquals("redis-migrate: slots-0-5460 stream: lag 3 ms, 0 B behind, applied offset 99000, caught up",
                ProgressLines.line(caught, NOW));
        assertEquals("redis-migrate: slots-0-5460 caught up (lag 3 ms)", ProgressLines.caughtUp(caught));
    }

    @Test
    void redrawInPlace() {
        assertEquals("a\u001b[K", ProgressLines.redraw(0, List.of("a")));
        assertEquals("\rb\u001b[K", ProgressLines.redraw(1, List.of("b")));
        assertEquals("x\u001b[K\ny\u001b[K", ProgressLines.redraw(0, List.of("x", "y")));
        assertEquals("\r\u001b[1Ax\u001b[K\ny\u001b[K", ProgressLines.redraw(2, List.of("x", "y")));
        assertEquals("\r\u001b[1Ax\u001b[K\n\u001b[K", ProgressLines.redraw(2, List.of("x")));
    }
}
