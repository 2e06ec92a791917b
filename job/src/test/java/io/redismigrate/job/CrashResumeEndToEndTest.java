package io.redismigrate.job;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.ServerVersion;
import io.redismigrate.connector.testutils.TestData;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.Load;
import io.redismigrate.job.testutils.Migrations;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exactly-once test: a sustained non-idempotent load on the source while the job is killed with SIGKILL three
 * times (once while the snapshot is being written, twice in the stream phase) and resumed each time from its latest
 * retained checkpoint. Commands applied after that checkpoint are replayed by the source and must be skipped by
 * the offset fences; none may be lost. The destination must end equal to the source. Runs once per server version
 * of {@code ServerVersions.all()} (source and target of that version).
 */
class CrashResumeEndToEndTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.redismigrate.connector.testutils.ServerVersions#all")
    void killDashNineDuringSnapshotAndStreamLosesAndDuplicatesNothing(ServerVersion v) throws Exception {
        try (RedisServer source = RedisServer.start(v, "--repl-backlog-size", "64mb"); RedisServer target = RedisServer.start(v)) {
            TestData.populateAllTypes(source);
            source.call("DEBUG", "POPULATE", "30000", "bulk", "20");
            // a slow snapshot: 100 µs per key, about 3 s for the RDB, so the job can be killed in the middle of it
            source.call("CONFIG", "SET", "rdb-key-save-delay", "100");
            Path checkpoints = dir.resolve("checkpoints");
            String[] base = Migrations.runArgs(source, target, "--checkpoint-dir", checkpoints.toString(),
                    "--savepoint-dir", dir.resolve("savepoints").toString());

            try (Load load = Load.start(source, "crash:", 3000)) {
                // 1. killed during the snapshot, after a checkpoint taken in the snapshot phase
                String jobId;
                Path chk;
                try (JobProcess job = JobProcess.start(base)) {
                    jobId = job.awaitRunning(Duration.ofSeconds(60));
                    chk = awaitCheckpoint(checkpoints, jobId, null, job);
                    assertFalse(job.stderr().contains("snapshot parsed"), "the snapshot ended before the kill\n" + job.output());
                    job.kill9();
                }
                chk = checkpoint(checkpoints, jobId);
                source.call("CONFIG", "SET", "rdb-key-save-delay", "0");
                // keys of the interrupted snapshot deleted meanwhile must not survive on the destination
                source.sync().select(0);
                for (int i = 0; i < 30000; i += 10) source.sync().del("bulk:" + i);

                // 2. resumed: a new snapshot (the old one was not finished), then killed in the stream phase
                long partialOk = Migrations.stat(source, "sync_partial_ok");
                try (JobProcess job = JobProcess.start(resume(base, chk))) {
                    jobId = job.awaitRunning(Duration.ofSeconds(60));
                    job.awaitLog("snapshot parsed", Duration.ofSeconds(60));
                    job.awaitLog("emptying the target DBs in scope", Duration.ofSeconds(10));
                    awaitStreamWrites(source, target, job);
                    killInStreamPhase(job, checkpoints, jobId);
                }
                chk = checkpoint(checkpoints, jobId);

                // 3. resumed in the stream phase (+CONTINUE), killed again
                try (JobProcess job = JobProcess.start(resume(base, chk))) {
                    jobId = job.awaitRunning(Duration.ofSeconds(60));
                    job.awaitLog("continuing the replication stream", Duration.ofSeconds(30));
                    killInStreamPhase(job, checkpoints, jobId);
                }
                chk = checkpoint(checkpoints, jobId);

                // 4. resumed once more; the load stops, the job catches up
                try (JobProcess job = JobProcess.start(resume(base, chk))) {
                    job.awaitRunning(Duration.ofSeconds(60));
                    job.awaitLog("continuing the replication stream", Duration.ofSeconds(30));
                    Thread.sleep(1000);
                    long ops = load.stop();
                    assertTrue(ops > 10_000, "load ops: " + ops);
                    Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);
                    job.stopWithSavepoint(Duration.ofSeconds(60));
                    assertFalse(job.stderr().contains("full sync from offset") || job.stderr().contains("could not continue"), job.output());
                }
                assertEquals(partialOk + 2, Migrations.stat(source, "sync_partial_ok"), "partial resyncs after the stream-phase kills");
            }
            Migrations.assertEqual(source, target);
        }
    }

    static String[] resume(String[] base, Path checkpoint) {
        String[] a = java.util.Arrays.copyOf(base, base.length + 2);
        a[base.length] = "--from-savepoint";
        a[base.length + 1] = checkpoint.toString();
        return a;
    }

    /** Waits until the sink writes stream batches: a fence exists (a new snapshot deletes it first). */
    static void awaitStreamWrites(RedisServer source, RedisServer target, JobProcess job) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (Migrations.fence(source, target) < 0) {
            if (System.nanoTime() > deadline || !job.isAlive()) throw new AssertionError("no stream writes\n" + job.output());
            Thread.sleep(20);
        }
    }

    /**
     * With the stream already being written: lets two more checkpoints complete (the second one was triggered
     * after the first completed, so its barrier passed the source in the stream phase), then kills at a point
     * between checkpoints, with stream batches written after the latest one.
     */
    static void killInStreamPhase(JobProcess job, Path checkpoints, String jobId) throws InterruptedException {
        Path p = awaitCheckpoint(checkpoints, jobId, JobProcess.latestCheckpoint(checkpoints, jobId), job);
        awaitCheckpoint(checkpoints, jobId, p, job);
        Thread.sleep(200 + (long) (Math.random() * 700));
        job.kill9();
    }

    /** Waits for a complete checkpoint of {@code jobId} newer than {@code after}. */
    /** The latest checkpoint, which a resume needs. */
    static Path checkpoint(Path checkpoints, String jobId) {
        Path chk = JobProcess.latestCheckpoint(checkpoints, jobId);
        if (chk == null) throw new AssertionError("no complete checkpoint under " + checkpoints.resolve(jobId));
        return chk;
    }

    static Path awaitCheckpoint(Path checkpoints, String jobId, Path after, JobProcess job) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            Path latest = JobProcess.latestCheckpoint(checkpoints, jobId);
            if (latest != null && !latest.equals(after)) return latest;
            if (!job.isAlive()) throw new AssertionError("the job exited\n" + job.output());
            Thread.sleep(20);
        }
        throw new AssertionError("no checkpoint of " + jobId + "\n" + job.output());
    }
}
