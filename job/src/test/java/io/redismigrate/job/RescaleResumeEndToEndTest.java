package io.redismigrate.job;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestCluster;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.Migrations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A savepoint taken with one --parallelism resumes with another, although the job graph changes shape (into a
 * cluster target: keyBy(slot) with 2 writers, the writer chained to the reader with 1): the source's offsets are
 * found again and the stream continues with +CONTINUE, every write applied once.
 */
class RescaleResumeEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void savepointOfAKeyedGraphResumesChainedWithoutANewSnapshot() throws Exception {
        try (RedisServer source = RedisServer.start("--repl-backlog-size", "16mb"); TestCluster target = TestCluster.start(3)) {
            List<String> counters = new ArrayList<>();
            for (int i = 0; i < 60; i++) counters.add("c:" + i);
            for (String c : counters) source.sync().incr(c);
            String[] common = {"run", "--source", source.uri(), "--target", target.uri(), "--mode", "full+incremental", "--ttl-margin", "0s",
                    "--web-ui-port", "0", "--checkpoint-interval", "1s", "--savepoint-dir", dir.resolve("sp").toString(),
                    "--checkpoint-dir", dir.resolve("chk").toString()};
            String savepoint;
            try (JobProcess job = JobProcess.start(with(common, "--parallelism", "2"))) {
                job.awaitRunning(Duration.ofSeconds(60));
                awaitCounters(source, target, counters, job);
                for (String c : counters) source.sync().incr(c);
                awaitCounters(source, target, counters, job);
                savepoint = job.stopWithSavepoint(Duration.ofSeconds(60));
            }
            long syncFull = Migrations.stat(source, "sync_full");
            long partialOk = Migrations.stat(source, "sync_partial_ok");
            for (String c : counters) source.sync().incr(c); // while stopped
            try (JobProcess job = JobProcess.start(with(common, "--parallelism", "1", "--from-savepoint", savepoint))) {
                job.awaitRunning(Duration.ofSeconds(60));
                for (String c : counters) source.sync().incr(c);
                awaitCounters(source, target, counters, job);
                job.stopWithSavepoint(Duration.ofSeconds(60));
                assertTrue(!job.stderr().contains("full sync from offset"), job.output());
            }
            assertEquals(syncFull, Migrations.stat(source, "sync_full"), "a new full sync was made");
            assertEquals(partialOk + 1, Migrations.stat(source, "sync_partial_ok"), "partial resyncs");
            for (String c : counters) assertEquals("4", target.owner(TestCluster.slot(c)).sync().get(c), c + " applied once each time");
        }
    }

    private static String[] with(String[] common, String... extra) {
        String[] out = java.util.Arrays.copyOf(common, common.length + extra.length);
        System.arraycopy(extra, 0, out, common.length, extra.length);
        return out;
    }

    private static void awaitCounters(RedisServer source, TestCluster target, List<String> counters, JobProcess job)
            throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (String c : counters) {
                if (!source.sync().get(c).equals(target.owner(TestCluster.slot(c)).sync().get(c))) {
                    all = false;
                    break;
                }
            }
            if (all) return;
            if (!job.isAlive()) throw new AssertionError("the job exited\n" + job.output());
            Thread.sleep(50);
        }
        throw new AssertionError("the target did not catch up\n" + job.output());
    }
}
