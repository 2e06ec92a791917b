package io.redismigrate.job;

import io.redismigrate.connector.progress.Progress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the console takes from a split's {@link Progress.SplitProgress}: the phase and the lag. */
class ConsoleProgressViewTest {
    private static final String SPLIT = "console-view-test:1";

    @AfterEach
    void forget() {
        Progress.all().remove(SPLIT);
    }

    @Test
    void aSnapshotStillBeingWrittenIsNoStreamYet() {
        Progress.SplitProgress p = Progress.of(SPLIT);
        long now = System.currentTimeMillis();
        p.phase = "stream"; // the source has parsed the snapshot and reads the stream
        assertEquals(Progress.PHASE_SNAPSHOT, ConsoleProgress.view(p, now).phase());
        p.appliedOffset = 1234; // the sink applies the stream
        assertEquals(Progress.PHASE_STREAM, ConsoleProgress.view(p, now).phase());
        assertEquals(1234, ConsoleProgress.view(p, now).appliedOffset());
    }

    @Test
    void theLagIsTheHeartbeatLag() {
        Progress.SplitProgress p = Progress.of(SPLIT);
        long now = System.currentTimeMillis();
        assertEquals(-1, ConsoleProgress.view(p, now).lagMs());
        p.heartbeatApplied(now - 40, now);
        assertEquals(40, ConsoleProgress.view(p, now).lagMs());
        assertEquals(5000 - Progress.HEARTBEAT_INTERVAL_MS, ConsoleProgress.view(p, now + 4960).lagMs(), "an overdue heartbeat");
    }
}
