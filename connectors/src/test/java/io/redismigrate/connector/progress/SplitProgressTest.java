package io.redismigrate.connector.progress;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SplitProgressTest {
    private static Progress.SplitProgress fresh(String id) {
        Progress.all().remove(id);
        return Progress.of(id);
    }

    @Test
    void caughtUpNeedsTenSecondsOfLagUnderOneSecond() {
        Progress.SplitProgress p = fresh("t:caught-up");
        long t = 1_000_000;
        assertEquals(Progress.PHASE_SNAPSHOT, p.phaseCode(t));
        p.streaming = true;
        assertEquals(Progress.PHASE_STREAM, p.phaseCode(t), "no heartbeat yet: lag unknown");
        assertEquals(-1, p.lagMs(t));
        for (int i = 0; i < 10; i++) {
            p.heartbeatApplied(t + i * 1000L, t + i * 1000L + 20);
            assertEquals(Progress.PHASE_STREAM, p.phaseCode(t + i * 1000L + 20), "after " + i + " s");
        }
        p.heartbeatApplied(t + 10_000, t + 10_020);
        assertEquals(Progress.PHASE_CAUGHT_UP, p.phaseCode(t + 10_020));
        assertEquals(20, p.lagMs(t + 10_020));
    }

    @Test
    void aStallShowsAGrowingLagAndRestartsTheCaughtUpClock() {
        Progress.SplitProgress p = fresh("t:stall");
        p.streaming = true;
        long t = 5_000_000;
        for (int i = 0; i <= 10; i++) p.heartbeatApplied(t + i * 1000L, t + i * 1000L + 5);
        long last = t + 10_000;
        assertEquals(Progress.PHASE_CAUGHT_UP, p.phaseCode(last + 500));
        assertEquals(5, p.lagMs(last + 1005), "the next heartbeat is not overdue yet");
        assertEquals(500, p.lagMs(last + 1500), "the next one, written at +1 s, is not here at +1.5 s");
        assertEquals(4000, p.lagMs(last + 5000), "overdue by 4 s");
        assertEquals(Progress.PHASE_STREAM, p.phaseCode(last + 5000));
        // the pipeline moves again: a heartbeat written long after the last one, applied at once
        p.heartbeatApplied(last + 6000, last + 6010);
        assertEquals(Progress.PHASE_STREAM, p.phaseCode(last + 6010), "the stall restarted the 10 s");
        // low from the next interval on (the one before ended the stall)
        for (int i = 1; i <= 10; i++) p.heartbeatApplied(last + 6000 + i * 1000L, last + 6010 + i * 1000L);
        assertEquals(Progress.PHASE_STREAM, p.phaseCode(last + 16_010));
        p.heartbeatApplied(last + 17_000, last + 17_010);
        assertEquals(Progress.PHASE_CAUGHT_UP, p.phaseCode(last + 17_010));
    }

    @Test
    void aSlowHeartbeatIsNotCaughtUp() {
        Progress.SplitProgress p = fresh("t:slow");
        p.streaming = true;
        long t = 9_000_000;
        for (int i = 0; i <= 20; i++) p.heartbeatApplied(t + i * 1000L, t + i * 1000L + (i == 15 ? 1500 : 10));
        assertEquals(Progress.PHASE_STREAM, p.phaseCode(t + 20_010), "1.5 s at 15 s restarted the clock");
        for (int i = 21; i <= 25; i++) p.heartbeatApplied(t + i * 1000L, t + i * 1000L + 10);
        assertEquals(Progress.PHASE_STREAM, p.phaseCode(t + 25_010), "9 s since the slow one");
        p.heartbeatApplied(t + 26_000, t + 26_010);
        assertEquals(Progress.PHASE_CAUGHT_UP, p.phaseCode(t + 26_010));
    }

    @Test
    void snapshotPercentByBytesElseKeys() {
        Progress.SplitProgress p = fresh("t:pct");
        assertEquals(-1, p.snapshotPercent(), 0);
        p.snapshotStartMs = 1000;
        p.snapshotKeysTotal = 200;
        p.snapshotKeys = 50;
        assertEquals(25, p.snapshotPercent(), 1e-9, "by keys (diskless: no length)");
        assertEquals(3, p.snapshotEtaSeconds(2000), "1 s for 25 %");
        p.snapshotBytesTotal = 1000;
        p.snapshotBytes = 100;
        assertEquals(10, p.snapshotPercent(), 1e-9, "by bytes when the length is known");
        assertEquals(9, p.snapshotEtaSeconds(2000));
        p.snapshotKeys = 300; // keys written meanwhile: never past 99.9 % by keys
        p.snapshotBytesTotal = -1;
        assertEquals(99.9, p.snapshotPercent(), 1e-9);
        p.snapshotEndMs = 3000;
        assertEquals(100, p.snapshotPercent(), 0);
        assertEquals(0, p.snapshotEtaSeconds(4000));
    }

    @Test
    void ackNeverPassesTheLastCompletedCheckpoint() {
        Progress.SplitProgress p = fresh("t:ack");
        assertEquals(100, p.ackable("r1", 100, 500), "no checkpoint: the sync's start");
        p.durable("r1", 300);
        assertEquals(300, p.ackable("r1", 100, 500));
        assertEquals(250, p.ackable("r1", 100, 250));
        assertEquals(100, p.ackable("r2", 100, 500), "a checkpoint of another replication id covers nothing");
        assertEquals(300, p.durableOffset());
    }

    @Test
    void metricLabelsKeepOnlySafeCharacters() {
        assertEquals("127_0_0_1_6379", Progress.metricLabel("127.0.0.1:6379"));
        assertEquals("slots-0-5460", Progress.metricLabel("slots-0-5460"));
        assertEquals("_fe80__1__6379", Progress.metricLabel("[fe80::1]:6379"));
    }
}
