package io.redismigrate.job;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestData;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.Load;
import io.redismigrate.job.testutils.Migrations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The destination is killed (SIGKILL) during the stream phase and restarted on the same port with its AOF
 * ({@code appendfsync always}: every acknowledged write, fences included, survives). The job must ride it out
 * within its retry window (a lost connection: resume from the latest checkpoint, replays skipped by the fence)
 * and the destination must end equal to the source, with nothing lost or applied twice.
 */
class DestinationRestartEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void destinationKilledAndRestartedMidStreamEndsEqual() throws Exception {
        try (RedisServer source = RedisServer.start("--repl-backlog-size", "64mb");
             RedisServer target = RedisServer.start("--appendonly", "yes", "--appendfsync", "always")) {
            TestData.populateAllTypes(source);
            Path checkpoints = dir.resolve("chk");
            String[] args = Migrations.runArgs(source, target, "--checkpoint-dir", checkpoints.toString(),
                    "--savepoint-dir", dir.resolve("sp").toString());
            try (Load load = Load.start(source, "dst:", 1500)) {
                JobProcess job = JobProcess.start(args);
                try {
                    String jobId = job.awaitRunning(Duration.ofSeconds(60));
                    job.awaitLog("snapshot parsed", Duration.ofSeconds(60));
                    while (Migrations.fence(source, target) < 0) { // stream batches are being written
                        assertTrue(job.isAlive(), job.output());
                        Thread.sleep(20);
                    }
                    CrashResumeEndToEndTest.awaitCheckpoint(checkpoints, jobId, null, job);
                    Thread.sleep(1500);

                    target.kill();
                    Thread.sleep(1000);
                    target.restart();
                    awaitLoaded(target);

                    job.awaitLog("retrying", Duration.ofSeconds(30));
                    assertTrue(job.isAlive(), "the job must retry, not exit:\n" + job.output());
                    Thread.sleep(1000);
                    assertTrue(load.stop() > 3000);
                    Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);
                    job.stopWithSavepoint(Duration.ofSeconds(60));
                } finally {
                    job.close();
                }
            }
            Migrations.assertEqual(source, target);
        }
    }

    /** Waits until the restarted server has loaded its AOF (no -LOADING replies). */
    static void awaitLoaded(RedisServer server) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            try {
                if ("0".equals(Migrations.info(server, "persistence").get("loading"))) return;
            } catch (RuntimeException loading) {
                // not ready
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the restarted server did not finish loading");
    }
}
