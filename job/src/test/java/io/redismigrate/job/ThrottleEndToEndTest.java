package io.redismigrate.job;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestCluster;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.Migrations;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --full-rps and --incr-rps hold the job's writes to the target under the limit (standalone and cluster targets).
 * Only lower bounds on the time are asserted: a slow machine can make a copy slower, never faster.
 */
class ThrottleEndToEndTest {
    private static final int KEYS = 3000;

    @Test
    void fullRpsLimitsTheSnapshotOnAStandaloneTarget() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            source.call("DEBUG", "POPULATE", String.valueOf(KEYS), "key", "16");
            try (JobProcess job = JobProcess.start("run", "--source", source.uri(), "--target", target.uri(), "--mode", "full",
                    "--web-ui-port", "0", "--full-rps", "1000")) {
                double seconds = secondsToReach(() -> target.sync().dbsize(), KEYS, job);
                // 3000 keys at 1000/s: ≈ 2.9 s after the first (without a limit: a few ms)
                assertTrue(seconds >= 2.0, "3000 keys at --full-rps 1000 took only " + seconds + " s");
                assertEquals(0, job.waitFor(Duration.ofSeconds(60)), job.output());
            }
            assertEquals(source.digest(), target.digest());
        }
    }

    @Test
    void fullRpsLimitsTheSnapshotOnAClusterTarget() throws Exception {
        try (RedisServer source = RedisServer.start(); TestCluster target = TestCluster.start(3)) {
            source.call("DEBUG", "POPULATE", String.valueOf(KEYS), "key", "16");
            try (JobProcess job = JobProcess.start("run", "--source", source.uri(), "--target", target.uri(), "--mode", "full",
                    "--web-ui-port", "0", "--full-rps", "1000")) {
                double seconds = secondsToReach(target::dbsize, KEYS, job);
                assertTrue(seconds >= 2.0, "3000 keys at --full-rps 1000 took only " + seconds + " s");
                assertEquals(0, job.waitFor(Duration.ofSeconds(60)), job.output());
            }
            for (int i = 0; i < KEYS; i += 101) {
                String k = "key:" + i;
                assertEquals(source.sync().get(k), target.owner(TestCluster.slot(k)).sync().get(k), k);
            }
        }
    }

    @Test
    void incrRpsLimitsTheStream() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            source.sync().set("seed", "1");
            try (JobProcess job = JobProcess.start(Migrations.runArgs(source, target, "--incr-rps", "200"))) {
                job.awaitRunning(Duration.ofSeconds(60));
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);
                for (int i = 0; i < 600; i++) source.sync().incr("counter");
                double seconds = secondsToReach(() -> {
                    String v = target.sync().get("counter");
                    return v == null ? 0 : Long.parseLong(v);
                }, 600, job);
                // 600 INCRs at 200/s: ≈ 2.9 s after the first
                assertTrue(seconds >= 2.0, "600 stream writes at --incr-rps 200 took only " + seconds + " s");
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);
                job.stopWithSavepoint(Duration.ofSeconds(60));
            }
            Migrations.dropHeartbeats(source);
            Migrations.dropFences(target);
            Migrations.assertEqual(source, target);
        }
    }

    /** Seconds from the first unit seen on the target until {@code want} are there (polled every 20 ms). */
    private static double secondsToReach(LongSupplier count, long want, JobProcess job) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        long first = -1;
        while (System.nanoTime() < deadline) {
            long n = count.getAsLong();
            long now = System.nanoTime();
            if (n > 0 && first < 0) first = now;
            if (n >= want) return (now - first) / 1e9;
            if (!job.isAlive() && n < want) throw new AssertionError("the job exited at " + n + " of " + want + "\n" + job.output());
            Thread.sleep(20);
        }
        throw new AssertionError("the target never reached " + want + "\n" + job.output());
    }
}
