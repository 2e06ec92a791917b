package io.redismigrate.job;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestData;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.Load;
import io.redismigrate.job.testutils.Migrations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A resume never trusts the target blindly and never needs the old credentials: a target that lost writes
 * (flushed, restarted without persistence) stops the resumed job with one line and nothing written; rotated
 * passwords work on resume and are in no checkpoint, savepoint or output; with {@code --conflict overwrite} a
 * needed re-snapshot stops instead of flushing keys the migration does not own; the source counts as
 * acknowledged only what a completed checkpoint covers.
 */
class ResumeSafetyEndToEndTest {
    static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private String[] args(RedisServer source, RedisServer target, String... extra) {
        List<String> a = new ArrayList<>(List.of("--savepoint-dir", dir.resolve("savepoints").toString(),
                "--checkpoint-dir", dir.resolve("checkpoints").toString()));
        a.addAll(List.of(extra));
        return Migrations.runArgs(source, target, a.toArray(new String[0]));
    }

    /** Runs until caught up and a checkpoint or two later, then stops with a savepoint; returns its path. */
    private String migrateAndStop(String[] args, RedisServer source, RedisServer target) throws Exception {
        try (JobProcess job = JobProcess.start(args)) {
            job.awaitRunning(T);
            job.awaitLog("snapshot parsed", T);
            Migrations.awaitCaughtUp(source, target, T, job);
            Thread.sleep(2500);
            return job.stopWithSavepoint(T);
        }
    }

    private static void assertRefusedLostWrites(JobProcess job, RedisServer target) throws Exception {
        int exit = job.waitFor(T);
        assertNotEquals(0, exit, job.output());
        String line = failureLine(job);
        assertTrue(line.contains("target 127.0.0.1:" + target.port() + " lost writes since the checkpoint"), line);
        assertTrue(line.contains("Start a new migration"), line);
        assertFalse(job.stdout().contains("Exception") || job.stdout().contains("\tat "), job.stdout());
    }

    private static String failureLine(JobProcess job) {
        for (String l : (job.stdout() + "\n" + job.stderr()).split("\n")) {
            if (l.startsWith("redis-migrate: failed:")) return l;
        }
        throw new AssertionError("no 'redis-migrate: failed:' line\n" + job.output());
    }

    private static void populate(RedisServer source, int n) {
        for (int i = 0; i < n; i++) source.sync().set("k:" + i, "v" + i);
        source.sync().incr("counter");
    }

    @Test
    void aTargetFlushedBetweenStopAndResumeStopsTheResumeWithNothingWritten() throws Exception {
        try (RedisServer source = RedisServer.start("--repl-backlog-size", "64mb"); RedisServer target = RedisServer.start()) {
            populate(source, 1000);
            String[] args = args(source, target);
            String savepoint = migrateAndStop(args, source, target);
            target.sync().flushdb(); // what the precheck used to tell users to do; the fences go with the data
            source.sync().incr("counter");
            try (JobProcess job = JobProcess.start(args(source, target, "--from-savepoint", savepoint))) {
                assertRefusedLostWrites(job, target);
            }
            assertEquals(0L, target.sync().dbsize(), "nothing written to the target");
        }
    }

    @Test
    void aTargetRestartedWithoutPersistenceStopsTheResume() throws Exception {
        try (RedisServer source = RedisServer.start("--repl-backlog-size", "64mb"); RedisServer target = RedisServer.start()) {
            populate(source, 1000);
            String savepoint = migrateAndStop(args(source, target), source, target);
            target.kill(); // no AOF, no RDB (the harness' default): it comes back empty
            target.restart();
            try (JobProcess job = JobProcess.start(args(source, target, "--from-savepoint", savepoint))) {
                assertRefusedLostWrites(job, target);
            }
            assertEquals(0L, target.sync().dbsize());
        }
    }

    @Test
    void aTargetRestartedWithoutPersistenceWhileRunningStopsTheRetryFromTheCheckpoint() throws Exception {
        try (RedisServer source = RedisServer.start("--repl-backlog-size", "64mb"); RedisServer target = RedisServer.start()) {
            populate(source, 1000);
            try (JobProcess job = JobProcess.start(args(source, target, "--retry-connect", "60s"))) {
                job.awaitRunning(T);
                job.awaitLog("snapshot parsed", T);
                Migrations.awaitCaughtUp(source, target, T, job);
                Thread.sleep(2500); // a checkpoint holds the fence
                target.kill();
                target.restart();
                source.sync().incr("counter");
                assertRefusedLostWrites(job, target);
            }
        }
    }

    @Test
    void rotatedPasswordsWorkOnResumeAndAreInNoStateOrOutput() throws Exception {
        String srcOld = "src-Old/pw#1", srcNew = "src-New@pw%2";
        String tgtOld = "tgt-Old:pw/3", tgtNew = "tgt-New pw&4";
        Path tgtFile = dir.resolve("target.pw");
        try (RedisServer source = RedisServer.start("--repl-backlog-size", "64mb", "--requirepass", srcOld);
             RedisServer target = RedisServer.start("--requirepass", tgtOld)) {
            source.withClientPassword(srcOld);
            target.withClientPassword(tgtOld);
            TestData.populateAllTypes(source);
            Files.writeString(tgtFile, tgtOld + "\n");
            String savepoint;
            long syncFull;
            try (Load load = Load.start(source, "rot:", 1000)) {
                savepoint = migrateAndStop(withSource(args(source, target, "--target-password-file", tgtFile.toString()),
                        source, srcOld), source, target);
                syncFull = Migrations.stat(source, "sync_full");
                // rotate both passwords while the job is stopped (the load keeps its authenticated connection)
                source.call("CONFIG", "SET", "requirepass", srcNew);
                source.withClientPassword(srcNew);
                target.call("CONFIG", "SET", "requirepass", tgtNew);
                target.withClientPassword(tgtNew);
                Files.writeString(tgtFile, tgtNew);
                String[] resume = withSource(args(source, target, "--target-password-file", tgtFile.toString(),
                        "--from-savepoint", savepoint), source, srcNew);
                try (JobProcess job = JobProcess.start(resume)) {
                    job.awaitRunning(T);
                    job.awaitLog("continuing the replication stream", T);
                    load.stop();
                    Migrations.awaitCaughtUp(source, target, T, job);
                    // the job is a replica that ACKs what a completed checkpoint covers (1 s interval here)
                    source.sync().incr("acked");
                    assertEquals(1L, source.sync().waitForReplication(1, 10_000), "WAIT sees the job's ACK");
                    job.stopWithSavepoint(T);
                    for (String pw : List.of(srcOld, srcNew, tgtOld, tgtNew)) {
                        assertFalse(job.output().contains(pw), "password in the job's output");
                    }
                }
            }
            assertEquals(syncFull, Migrations.stat(source, "sync_full"), "a new full sync was made");
            Migrations.dropHeartbeats(source);
            Migrations.assertEqual(source, target);
            for (String pw : List.of(srcOld, srcNew, tgtOld, tgtNew)) {
                assertNotInFiles(dir.resolve("checkpoints"), pw);
                assertNotInFiles(dir.resolve("savepoints"), pw);
            }
        }
    }

    /** The args with the --source URI carrying {@code password}. */
    private static String[] withSource(String[] args, RedisServer source, String password) {
        String[] a = args.clone();
        for (int i = 0; i < a.length - 1; i++) {
            if (a[i].equals("--source")) {
                a[i + 1] = "redis://:" + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20")
                        + "@127.0.0.1:" + source.port();
            }
        }
        return a;
    }

    static void assertNotInFiles(Path root, String secret) throws IOException {
        if (!Files.exists(root)) return;
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                byte[] b = Files.readAllBytes(f);
                assertFalse(indexOf(b, needle) >= 0, "password bytes in " + f);
            }
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    @Test
    void withConflictOverwriteANeededResnapshotStopsAndKeepsTheTargetsOwnData() throws Exception {
        try (RedisServer source = RedisServer.start("--repl-backlog-size", "16kb"); RedisServer target = RedisServer.start()) {
            populate(source, 200);
            target.sync().set("foreign:1", "not from the source");
            target.call("FUNCTION", "LOAD", "#!lua name=foreignlib\nredis.register_function('foreign_f', function() return 1 end)");
            String savepoint = migrateAndStop(args(source, target, "--conflict", "overwrite"), source, target);
            String value = "v".repeat(10_000);
            for (int i = 0; i < 200; i++) source.sync().set("big:" + i, value); // far beyond the backlog
            try (JobProcess job = JobProcess.start(args(source, target, "--conflict", "overwrite", "--from-savepoint", savepoint))) {
                assertNotEquals(0, job.waitFor(T), job.output());
                String line = failureLine(job);
                assertTrue(line.contains("needs a new snapshot") && line.contains("--conflict overwrite"), line);
            }
            assertEquals("not from the source", target.sync().get("foreign:1"));
            assertTrue(target.call("FUNCTION", "LIST").toString().contains("foreignlib"), "the target's library stays");
            assertEquals("v5", target.sync().get("k:5"), "nothing flushed");
        }
    }

    @Test
    void theSourceSeesNoAckBeyondTheLastCompletedCheckpoint() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            populate(source, 100);
            String[] a = args(source, target);
            for (int i = 0; i < a.length - 1; i++) if (a[i].equals("--checkpoint-interval")) a[i + 1] = "1h";
            // Flink starts the periodic checkpoints after a random delay in [min-pause, interval]: with the default
            // min-pause of 0 the first one may come within seconds. A min-pause of the whole interval rules it out.
            try (JobProcess job = JobProcess.startWithFlinkConf(Map.of("execution.checkpointing.min-pause", "1h"), a)) {
                job.awaitRunning(T);
                job.awaitLog("snapshot parsed", T);
                Migrations.awaitCaughtUp(source, target, T, job); // applied, but no checkpoint completed yet
                source.sync().incr("not-yet-durable");
                long acked = source.sync().waitForReplication(1, 1500);
                assertEquals(0L, acked, "the job ACKed an offset no checkpoint covers: " + Migrations.info(source, "replication")
                        + "\n" + job.output());
                job.stop(T);
            }
        }
    }
}
