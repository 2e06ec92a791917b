package io.redismigrate.job;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestData;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.Load;
import io.redismigrate.job.testutils.Migrations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM stops the job with a savepoint; writes continue on the source; {@code --from-savepoint} resumes with a
 * partial resync ({@code +CONTINUE}, no new snapshot) and the destination ends equal, without losing or repeating
 * any of the non-idempotent writes.
 */
class SavepointResumeEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void stopWithSavepointThenResumeContinuesTheStreamWithoutANewSnapshot() throws Exception {
        // a backlog that holds what the load writes while the job is down (a resume takes a few seconds)
        try (RedisServer source = RedisServer.start("--repl-backlog-size", "64mb"); RedisServer target = RedisServer.start()) {
            TestData.populateAllTypes(source);
            Path savepoints = dir.resolve("savepoints");
            String[] args = Migrations.runArgs(source, target, "--savepoint-dir", savepoints.toString(),
                    "--checkpoint-dir", dir.resolve("checkpoints").toString());
            String savepoint;
            try (Load load = Load.start(source, "sp:", 2000)) {
                try (JobProcess job = JobProcess.start(args)) {
                    job.awaitRunning(Duration.ofSeconds(60));
                    job.awaitLog("snapshot parsed", Duration.ofSeconds(60));
                    Thread.sleep(1500); // stream under load, across a checkpoint or two
                    savepoint = job.stopWithSavepoint(Duration.ofSeconds(60));
                }
                assertTrue(Files.isDirectory(Path.of(java.net.URI.create(savepoint.startsWith("file:") ? savepoint : "file:" + savepoint))),
                        "savepoint directory " + savepoint);
                long syncFull = Migrations.stat(source, "sync_full");
                long partialOk = Migrations.stat(source, "sync_partial_ok");
                long opsAtStop = load.ops();
                Thread.sleep(1000); // the load goes on while the job is down
                source.sync().select(3);
                source.sync().incr("db3:stopped:counter");
                source.sync().lpush("db3:stopped:list", "a", "b");
                source.sync().append("db3:str", "+appended while stopped");
                source.sync().select(0);

                String[] resume = Migrations.runArgs(source, target, "--savepoint-dir", savepoints.toString(),
                        "--checkpoint-dir", dir.resolve("checkpoints").toString(), "--from-savepoint", savepoint);
                try (JobProcess job = JobProcess.start(resume)) {
                    job.awaitRunning(Duration.ofSeconds(60));
                    job.awaitLog("continuing the replication stream", Duration.ofSeconds(30));
                    Thread.sleep(1500);
                    assertTrue(load.stop() > opsAtStop + 1000, "the load ran during the stop");
                    Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);
                    job.stopWithSavepoint(Duration.ofSeconds(60));
                    assertTrue(!job.stderr().contains("full sync from offset"), job.output());
                }
                assertEquals(syncFull, Migrations.stat(source, "sync_full"), "a new full sync was made");
                assertEquals(partialOk + 1, Migrations.stat(source, "sync_partial_ok"), "partial resyncs");
            }
            Migrations.assertEqual(source, target);
        }
    }
}
