package io.redismigrate.job;

import io.redismigrate.connector.event.SlotTags;
import io.redismigrate.connector.testutils.RedisCluster;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.job.testutils.JobProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Standalone source → 2-master cluster destination with one replica per master (the source-side harness
 * {@link RedisCluster}); mid-stream, under a non-idempotent load, a destination master is replaced by its replica, and
 * the destination must end equal to the source (key count, digest).
 * <ul>
 * <li>{@code CLUSTER FAILOVER}: coordinated, the replica has every write of the old master before it takes over, so
 * nothing acknowledged is lost. The demoted node stays up and answers {@code MOVED}: the writer follows the
 * redirect to the new master without a restart (a unit redirected inside {@code MULTI} is resent whole).</li>
 * <li>The master is killed and its replica takes over: the job loses the connection, the run fails and the
 * supervisor resumes it from the newest checkpoint against the new master; the fences drop the replay.</li>
 * </ul>
 */
class ClusterTargetFailoverEndToEndTest {
    @TempDir
    Path tmp;

    @Test
    void destinationFailoverUnderLoadEndsEqual() throws Exception {
        failoverUnderLoad(false);
    }

    /**
     * A destination master dies (SIGKILL) with the job's commands in flight, and its replica takes over
     * ({@code CLUSTER FAILOVER TAKEOVER}). To keep the outcome exact, the master's writes are paused first
     * ({@code CLIENT PAUSE WRITE}) until its replica has everything it acknowledged — what a coordinated failover
     * does too, except that here the old master never answers again. The job loses its connection, the run fails,
     * and the supervisor resumes from the newest checkpoint against the new master: commands applied after that
     * checkpoint are replayed and must be dropped by the fences (which were replicated with them).
     */
    @Test
    void destinationMasterKilledThenTakeoverResumesFromCheckpoint() throws Exception {
        failoverUnderLoad(true);
    }

    private void failoverUnderLoad(boolean crash) throws Exception {
        try (RedisServer source = RedisServer.start("--repl-backlog-size", "64mb");
             RedisCluster target = RedisCluster.start(2, 1)) {
            ClusterTargetEndToEndTest.populate(source);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger ops = new AtomicInteger();
            AtomicReference<Throwable> loadFailed = new AtomicReference<>();
            Thread load = new Thread(() -> {
                try {
                    while (!stop.get()) ClusterTargetEndToEndTest.nonIdempotent(source, ops.getAndIncrement());
                } catch (Throwable t) {
                    loadFailed.set(t);
                }
            }, "load");
            RedisServer oldMaster = target.nodeForSlot(0);
            RedisServer promoted = target.replicasOf(oldMaster).get(0);
            try (JobProcess job = JobProcess.start("run", "--source", source.uri(), "--target", target.masters().get(1).uri(),
                    "--mode", "full+incremental", "--ttl-margin", "0s", "--web-ui-port", "0", "--checkpoint-interval", "1s", "--parallelism", "2",
                    "--checkpoint-dir", tmp.resolve("chk").toUri().toString())) {
                String jobId = job.awaitRunning(Duration.ofSeconds(60));
                load.start();
                long deadline = System.currentTimeMillis() + 60_000;
                while (JobProcess.latestCheckpoint(tmp.resolve("chk"), jobId) == null) { // in the stream phase, under load
                    if (System.currentTimeMillis() > deadline || !job.isAlive()) throw new AssertionError("no checkpoint\n" + job.output());
                    Thread.sleep(100);
                }
                Thread.sleep(1000);
                int before = ops.get();
                if (crash) {
                    oldMaster.call("CLIENT", "PAUSE", "20000", "WRITE");
                    long want = offset(oldMaster, "master_repl_offset");
                    long until = System.currentTimeMillis() + 10_000;
                    while (offset(promoted, "slave_repl_offset") < want) {
                        if (System.currentTimeMillis() > until) throw new AssertionError("replica not caught up");
                        Thread.sleep(10);
                    }
                    oldMaster.kill();
                    assertEquals("OK", String.valueOf(promoted.call("CLUSTER", "FAILOVER", "TAKEOVER").get(0)));
                    awaitLog(job, "from checkpoint"); // the supervisor's retry, resuming from a checkpoint
                    awaitLog(job, "continuing the replication stream from offset"); // no new snapshot
                    oldMaster.restart(); // comes back as a replica of the new master
                    target.awaitStable();
                } else {
                    target.failover(promoted);
                }
                assertTrue(RedisCluster.isMaster(promoted) && !RedisCluster.isMaster(oldMaster), "failed over");
                assertTrue(ops.get() > before, "writes during the failover");
                int after = ops.get();
                while (ops.get() < after + 2000) { // writes after the failover, into the new master's slots too
                    if (loadFailed.get() != null) break;
                    Thread.sleep(50);
                }
                stop.set(true);
                load.join();
                assertNull(loadFailed.get());
                awaitCaughtUp(source, target, job);
                assertTrue(job.isAlive(), job.output());
                assertTrue(!job.log().contains("taking a new snapshot"), job.output());
                job.stop(Duration.ofSeconds(60));
            } finally {
                stop.set(true);
                load.join();
            }
            assertEquals(promoted, target.nodeForSlot(0));
            for (String k : source.sync().keys("__redis_migrate:*")) source.sync().del(k);
            for (RedisServer m : target.masters()) for (String k : m.sync().keys("__redis_migrate:*")) m.sync().del(k);
            target.awaitStable(); // replicas caught up with the deletions
            long targetKeys = 0;
            for (RedisServer m : target.masters()) targetKeys += m.sync().dbsize();
            assertEquals(source.sync().dbsize().longValue(), targetKeys, "key count");
            assertEquals(RedisCluster.digestWithoutDb0Constant(source.digest()), target.digestWithoutDb0Constant(), "digest");
        }
    }

    private static long offset(RedisServer s, String field) {
        for (String line : s.sync().info("replication").split("\r?\n")) {
            if (line.startsWith(field + ":")) return Long.parseLong(line.substring(field.length() + 1).trim());
        }
        throw new AssertionError(field + " not in INFO replication");
    }

    private static void awaitLog(JobProcess job, String text) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!job.log().contains(text)) {
            if (!job.isAlive() || System.currentTimeMillis() > deadline) throw new AssertionError("no \"" + text + "\"\n" + job.output());
            Thread.sleep(50);
        }
    }

    /** Writes a marker into every slot (one MSET on the standalone source) and waits until all are on the cluster. */
    private static void awaitCaughtUp(RedisServer source, RedisCluster target, JobProcess job) throws InterruptedException {
        Map<String, String> markers = new LinkedHashMap<>();
        for (int slot = 0; slot < 16384; slot++) markers.put("{" + SlotTags.tag(slot) + "}marker", "1");
        source.sync().mset(markers);
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            long n = 0;
            for (RedisServer m : target.masters()) n += m.sync().keys("*}marker").size();
            if (n == 16384) return;
            if (!job.isAlive()) throw new AssertionError("the job exited\n" + job.output());
            Thread.sleep(200);
        }
        throw new AssertionError("the cluster did not catch up within 60 s\n" + job.output());
    }
}
