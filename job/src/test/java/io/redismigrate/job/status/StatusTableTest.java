package io.redismigrate.job.status;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metric ids and values as Flink's REST API lists them → one row per split, and the job's phase and lag. */
class StatusTableTest {
    private static final String SRC = "Source__redis-source.split.";
    private static final String SINK = "redis-sink__Writer.split.";

    private static Map<String, String> metrics(String... idValue) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < idValue.length; i += 2) m.put(idValue[i], idValue[i + 1]);
        return m;
    }

    @Test
    void aSplitInTheSnapshot() {
        StatusTable t = StatusTable.of(metrics(
                SRC + "10_0_0_5_6379.snapshotKeys", "1234567",
                SRC + "10_0_0_5_6379.snapshotKeysTotal", "2900000",
                SRC + "10_0_0_5_6379.snapshotPercent", "42.04",
                SRC + "10_0_0_5_6379.snapshotEtaSeconds", "200",
                SRC + "10_0_0_5_6379.sourceOffset", "5000",
                SINK + "10_0_0_5_6379.phase", "0",
                SINK + "10_0_0_5_6379.appliedOffset", "-1",
                SINK + "10_0_0_5_6379.lagMs", "-1",
                SINK + "10_0_0_5_6379.lagBytes", "-1",
                "redis-sink__Writer.numRecordsSend", "99",       // not a split metric
                SRC + "10_0_0_5_6379.watermark.activeTimeMsPerSecond", "0", // Flink's own split group: not ours
                "Source__redis-source.unknownCommands", "0"));
        assertEquals(List.of(
                "split 10_0_0_5_6379: snapshot 42.0%, 1.2M of 2.9M keys, ETA 3m 20s; lag ?, ?; applied offset ? of source offset 5000",
                "job: snapshot; lag ?, ?; 1 split"), t.lines());
        assertEquals(0, t.jobPhase());
        assertFalse(t.caughtUp(null));
        assertFalse(t.caughtUp(Duration.ofHours(1)));
    }

    @Test
    void twoShardsStreamingTheJobTakesTheLowestPhaseAndTheHighestLag() {
        StatusTable t = StatusTable.of(metrics(
                SINK + "slots-5461-10922.phase", "2.0",            // aggregated values come as doubles
                SINK + "slots-5461-10922.lagMs", "3.0",
                SINK + "slots-5461-10922.lagBytes", "0.0",
                SINK + "slots-5461-10922.appliedOffset", "77000.0",
                SRC + "slots-5461-10922.sourceOffset", "77000.0",
                SINK + "slots-0-5460.phase", "1",
                SINK + "slots-0-5460.lagMs", "1200",
                SINK + "slots-0-5460.lagBytes", "3500",
                SINK + "slots-0-5460.appliedOffset", "123456",
                SRC + "slots-0-5460.sourceOffset", "126956"));
        assertEquals(List.of(
                "split slots-0-5460: stream; lag 1200 ms, 3.4 KB; applied offset 123456 of source offset 126956",
                "split slots-5461-10922: caught up; lag 3 ms, 0 B; applied offset 77000 of source offset 77000",
                "job: stream; lag 1200 ms, 3.4 KB; 2 splits"), t.lines());
        assertEquals(1, t.jobPhase());
        assertEquals(1200, t.jobLagMs());
        assertFalse(t.caughtUp(null), "one split is only in phase 1");
        assertFalse(t.caughtUp(Duration.ofSeconds(1)), "1200 ms > 1 s");
        assertTrue(t.caughtUp(Duration.ofMillis(1200)));
    }

    @Test
    void everySplitCaughtUp() {
        StatusTable t = StatusTable.of(metrics(
                SINK + "a.phase", "2", SINK + "a.lagMs", "5",
                SINK + "b.phase", "2", SINK + "b.lagMs", "7"));
        assertTrue(t.caughtUp(null));
        assertEquals("job: caught up; lag 7 ms, ?; 2 splits", t.lines().get(2));
    }

    @Test
    void maxLagNeedsTheStreamPhaseAndAKnownLag() {
        assertFalse(StatusTable.of(metrics(SINK + "a.phase", "0", SINK + "a.lagMs", "0")).caughtUp(Duration.ofSeconds(5)));
        assertFalse(StatusTable.of(metrics(SINK + "a.phase", "1", SINK + "a.lagMs", "-1")).caughtUp(Duration.ofSeconds(5)));
        assertTrue(StatusTable.of(metrics(SINK + "a.phase", "1", SINK + "a.lagMs", "0")).caughtUp(Duration.ZERO));
    }

    @Test
    void splitsWithoutAPhaseYetAndNoSplitsAtAll() {
        StatusTable starting = StatusTable.of(metrics(SRC + "x.snapshotKeys", "0", SRC + "x.snapshotPercent", "-1"));
        assertEquals("split x: starting ?%, 0 keys, ETA ?; lag ?, ?; applied offset ?", starting.lines().get(0));
        assertEquals(SplitStatus.PHASE_UNKNOWN, starting.jobPhase());
        assertFalse(starting.caughtUp(Duration.ofDays(1)));
        StatusTable none = StatusTable.of(metrics("redis-sink__Writer.lagBytes", "0", SINK + "x.phase", "n/a"));
        assertTrue(none.isEmpty());
        assertFalse(none.caughtUp(null));
    }

    @Test
    void recognisesSplitMetricIds() {
        assertTrue(StatusTable.isSplitMetric("Source__redis-source.split.127_0_0_1_6379.readOffset"));
        assertTrue(StatusTable.isSplitMetric("split.slots-0-5460.phase"));
        assertFalse(StatusTable.isSplitMetric("redis-sink__Writer.lagBytes"));
        assertFalse(StatusTable.isSplitMetric("Source__redis-source.splitter.x.y"));
        assertFalse(StatusTable.isSplitMetric("Source__redis-source.split.127_0_0_1_6379.watermark.activeTimeMsPerSecond"));
    }
}
