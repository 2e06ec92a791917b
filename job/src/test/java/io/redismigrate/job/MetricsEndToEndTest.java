package io.redismigrate.job;

import io.redismigrate.connector.progress.Progress;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.Migrations;
import io.redismigrate.job.testutils.RestMetrics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics of docs/metrics.md, read over Flink's REST API during a real run: snapshot progress against its
 * total, phase reaching "caught up", lag and offsets, FLIP-33 writer counters; and the split counters continue
 * after a resume from a savepoint.
 */
class MetricsEndToEndTest {
    private static final Duration T = Duration.ofSeconds(90);
    private static final int KEYS = 3000;

    @Test
    void metricsShowSnapshotProgressPhaseAndLagAndContinueAcrossAResume() throws Exception {
        // a disk-based transfer announces the RDB length: progress by bytes against a known total
        try (RedisServer source = RedisServer.start("--repl-diskless-sync", "no"); RedisServer target = RedisServer.start()) {
            for (int i = 0; i < KEYS; i++) source.sync().set("k:" + i, "value-" + i);
            String split = "split." + Progress.metricLabel(Migrations.splitId(source)) + ".";
            int port = RedisServer.freePort();
            String savepoint;
            long streamCommands;
            long keys;
            try (JobProcess job = JobProcess.startWithJvmArgs(List.of("-Dredis-migrate.progress-log-interval=1000"),
                    args(source, target, port))) {
                RestMetrics rest = new RestMetrics(port, job.awaitRunning(T));
                Migrations.awaitCaughtUp(source, target, T, job);
                Map<String, String> m = awaitPhase(rest, split, Progress.PHASE_CAUGHT_UP, job);
                // the job's own start-up write on the source (precheck probe) may be in the snapshot too
                keys = num(m, split + "snapshotKeys");
                assertTrue(keys >= KEYS && keys <= KEYS + 1, "snapshotKeys " + keys);
                assertEquals(keys, num(m, split + "snapshotKeysTotal"));
                long bytesTotal = num(m, split + "snapshotBytesTotal");
                assertTrue(bytesTotal > KEYS * 10L, "RDB length " + bytesTotal);
                assertEquals(bytesTotal, num(m, split + "snapshotBytes"));
                assertEquals(100.0, Double.parseDouble(RestMetrics.find(m, split + "snapshotPercent")));
                assertEquals(0, num(m, split + "snapshotEtaSeconds"));
                long lag = num(m, split + "lagMs");
                assertTrue(lag >= 0 && lag < Progress.CAUGHT_UP_LAG_MS, "lagMs " + lag);
                // the gauges are sampled one after the other while heartbeats (≈ 100 B each, one a second) move the
                // offsets: each must be close to the source's own offset, read here right after
                long srcOffset = Migrations.masterOffset(source);
                for (String offset : List.of("appliedOffset", "readOffset", "sourceOffset")) {
                    long v = num(m, split + offset);
                    assertTrue(v > 0 && v <= srcOffset && v >= srcOffset - 1000, offset + " " + v + ", source's " + srcOffset + ": " + m);
                }
                assertTrue(num(m, split + "lagBytes") >= 0);
                assertTrue(num(m, "redis-sink__Writer.numRecordsSend") >= KEYS, m.toString());
                assertTrue(num(m, "redis-sink__Writer.numBytesSend") > bytesTotal / 2, m.toString());
                assertEquals(0, num(m, "redis-sink__Writer.numRecordsSendErrors"));

                for (int i = 0; i < 50; i++) source.sync().incr("counter");
                Migrations.awaitCaughtUp(source, target, T, job);
                m = awaitMetric(rest, split + "streamCommands", 50, job);
                streamCommands = num(m, split + "streamCommands");
                awaitMetric(rest, split + "durableOffset", 1, job);
                // the TaskManager's periodic progress line (a cluster run has no console)
                job.awaitLog(Migrations.splitId(source) + ": stream, read offset", T);
                savepoint = job.stopWithSavepoint(T);
            }
            source.sync().incr("counter");
            try (JobProcess job = JobProcess.start(args(source, target, port, "--from-savepoint", savepoint))) {
                RestMetrics rest = new RestMetrics(port, job.awaitRunning(T));
                job.awaitLog("continuing the replication stream", T);
                Migrations.awaitCaughtUp(source, target, T, job);
                Map<String, String> m = awaitMetric(rest, split + "streamCommands", streamCommands + 1, job);
                assertEquals(keys, num(m, split + "snapshotKeys"), "the snapshot's size, restored: " + m);
                assertTrue(num(m, split + "snapshotBytes") > KEYS * 10L);
                awaitPhase(rest, split, Progress.PHASE_STREAM, job);
                job.stopWithSavepoint(T);
            }
            Migrations.dropHeartbeats(source);
            Migrations.assertEqual(source, target);
        }
    }

    private static String[] args(RedisServer source, RedisServer target, int port, String... extra) {
        String[] a = Migrations.runArgs(source, target, extra);
        List<String> l = new java.util.ArrayList<>(List.of(a));
        l.set(l.indexOf("--web-ui-port") + 1, Integer.toString(port));
        return l.toArray(new String[0]);
    }

    private static long num(Map<String, String> m, String suffix) {
        String v = RestMetrics.find(m, suffix);
        assertNotNull(v, "no metric ending with " + suffix + " in " + m.keySet());
        return (long) Double.parseDouble(v);
    }

    /** Waits until the writer's phase of the split is at least {@code phase}; returns all metrics then. */
    private static Map<String, String> awaitPhase(RestMetrics rest, String split, int phase, JobProcess job) throws Exception {
        return awaitMetric(rest, split + "phase", phase, job);
    }

    private static Map<String, String> awaitMetric(RestMetrics rest, String suffix, long atLeast, JobProcess job) throws Exception {
        long deadline = System.nanoTime() + T.toNanos();
        Map<String, String> m = Map.of();
        while (System.nanoTime() < deadline) {
            assertTrue(job.isAlive(), job.output());
            try {
                m = rest.all(0);
                String v = RestMetrics.find(m, suffix);
                if (v != null && Double.parseDouble(v) >= atLeast) return m;
            } catch (java.io.IOException e) {
                // the REST endpoint is not up yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError(suffix + " never reached " + atLeast + ": " + m + "\n" + job.output());
    }
}
