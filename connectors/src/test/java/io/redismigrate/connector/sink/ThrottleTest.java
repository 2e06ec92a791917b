package io.redismigrate.connector.sink;

import io.redismigrate.connector.event.RedisEvent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Throttle on a simulated clock: a writer that always waits what it is told keeps to the configured rates. */
class ThrottleTest {
    private static final long SECOND = 1_000_000_000L;

    private static RedisEvent restore(int payloadBytes) {
        return RedisEvent.restore("s", 0, 0, "k".getBytes(StandardCharsets.US_ASCII), 0, new byte[payloadBytes], "string");
    }

    private static RedisEvent incr() {
        byte[] k = "counter".getBytes(StandardCharsets.US_ASCII);
        return RedisEvent.streamCommand("s", 1, 0, k, new byte[][] {"INCR".getBytes(StandardCharsets.US_ASCII), k});
    }

    /** Writes {@code n} events, sleeping on a simulated clock as told; returns the simulated seconds taken. */
    private static double secondsFor(Throttle t, RedisEvent e, int n, long[] clock) {
        long start = clock[0];
        for (int i = 0; i < n; i++) clock[0] += t.delayNanos(e, clock[0]);
        return (clock[0] - start) / (double) SECOND;
    }

    @Test
    void commandsPerSecondHoldAfterTheFirstBurst() {
        long[] clock = {5 * SECOND};
        Throttle t = new Throttle(new Throttle.Rates(1000, 0, 0, 0), 1, clock[0]);
        // 5000 commands at 1000/s: 5 s, less the 100 ms burst a fresh bucket holds
        assertEquals(4.9, secondsFor(t, restore(10), 5000, clock), 0.01);
    }

    @Test
    void bytesPerSecondHold() {
        long[] clock = {0};
        Throttle t = new Throttle(new Throttle.Rates(0, 1_000_000, 0, 0), 1, 0);
        // 500 values of 10 kB (+1 byte key) at 1 MB/s ≈ 5 s, less the burst
        assertEquals(4.905, secondsFor(t, restore(10_000), 500, clock), 0.02);
    }

    @Test
    void snapshotAndStreamLimitsAreSeparate() {
        long[] clock = {0};
        Throttle streamOnly = new Throttle(new Throttle.Rates(0, 0, 100, 0), 1, 0);
        assertEquals(0.0, secondsFor(streamOnly, restore(100), 10_000, clock), "snapshot writes are not limited");
        assertEquals(1.9, secondsFor(streamOnly, incr(), 200, clock), 0.02);
    }

    @Test
    void eachWriterTakesItsShare() {
        long[] clock = {0};
        Throttle t = new Throttle(new Throttle.Rates(1000, 0, 0, 0), 4, 0); // 250/s for this one
        assertEquals(3.9, secondsFor(t, restore(10), 1000, clock), 0.01);
    }

    @Test
    void idleTimeDoesNotBuyMoreThanTheBurst() {
        long[] clock = {0};
        Throttle t = new Throttle(new Throttle.Rates(1000, 0, 0, 0), 1, 0);
        secondsFor(t, restore(10), 1000, clock);
        clock[0] += 60 * SECOND; // a minute without writes
        double s = secondsFor(t, restore(10), 1000, clock);
        assertTrue(s >= 0.89 && s <= 0.91, "1000 commands after an idle minute took " + s + " s");
    }

    @Test
    void noLimitNeverWaits() {
        long[] clock = {0};
        Throttle t = new Throttle(Throttle.Rates.NONE, 1, 0);
        assertEquals(0.0, secondsFor(t, restore(1 << 20), 1000, clock));
        assertEquals(0.0, secondsFor(t, incr(), 1000, clock));
    }
}
