package io.redismigrate.job;

import io.lettuce.core.api.sync.RedisCommands;
import io.redismigrate.connector.event.SlotTags;
import io.redismigrate.connector.event.Slots;
import io.redismigrate.connector.testutils.RedisCluster;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestCluster;
import io.redismigrate.job.testutils.JobProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 3-master cluster source under a non-idempotent write load (INCR, LPUSH, APPEND on keys of every shard), with
 * the job killed (SIGKILL) twice mid-load and resumed each time from its newest retained checkpoint: the commands
 * applied on the target after that checkpoint are replayed by the resumed job, and the fences must drop them. Once
 * the load stops and a marker in every slot has arrived, the target equals the source: a single duplicated INCR,
 * LPUSH or APPEND changes the digest.
 */
class ClusterKillNineEndToEndTest {
    /**
     * The load writes ~1 MB/s per shard and a restarted job needs a few seconds before its PSYNC: with the default
     * 1 MB backlog the source could no longer continue from the checkpoint and the resume would take a new snapshot
     * (correct, but then nothing would be replayed and the fences would go untested).
     */
    private static final String[] BACKLOG = {"--repl-backlog-size", "64mb"};

    @TempDir
    Path tmp;

    @Test
    void killNineAndResumeClusterToClusterWithoutDuplicates() throws Exception {
        try (RedisCluster source = RedisCluster.start(3, 0, BACKLOG); TestCluster target = TestCluster.start(2)) {
            SlotRouter route = new SlotRouter(source);
            long ops = killTwiceUnderLoad(source, route, target.uri(), () -> {
                long n = 0;
                for (RedisServer m : target.masters()) n += m.sync().keys("*}marker").size();
                return n;
            });
            dropHeartbeats(source);
            target.dropToolKeys();
            assertEquals(sourceKeys(source), target.dbsize(), "key count");
            assertEquals(source.digestWithoutDb0Constant(), xorWithoutConstant(target.masters()), "digest");
            assertTrue(ops > 3000, "load too small: " + ops);
        }
    }

    @Test
    void killNineAndResumeClusterToStandaloneWithoutDuplicates() throws Exception {
        try (RedisCluster source = RedisCluster.start(3, 0, BACKLOG); RedisServer target = RedisServer.start()) {
            SlotRouter route = new SlotRouter(source);
            long ops = killTwiceUnderLoad(source, route, target.uri(), () -> (long) target.sync().keys("*}marker").size());
            dropHeartbeats(source);
            target.sync().select(0);
            for (String k : target.sync().keys("__redis_migrate:*")) target.sync().del(k);
            assertEquals(sourceKeys(source), target.sync().dbsize(), "key count");
            assertEquals(source.digestWithoutDb0Constant(), RedisCluster.digestWithoutDb0Constant(target.digest()), "digest");
            assertTrue(ops > 3000, "load too small: " + ops);
        }
    }

    /**
     * Starts the job, runs the load, kills the job twice (each time ≥ 1 s after a retained checkpoint, so applied
     * writes are replayed) and resumes it from the newest checkpoint; then stops the load, waits for the markers and
     * stops the job with a savepoint. Returns the number of load operations.
     */
    private long killTwiceUnderLoad(RedisCluster source, SlotRouter route, String targetUri, Supplier<Long> markersOnTarget)
            throws Exception {
        for (int i = 0; i < 300; i++) {
            route.forKey("str:" + i).set("str:" + i, "v" + i);
            route.forKey("list:" + (i % 40)).rpush("list:" + (i % 40), "e" + i);
            route.forKey("hash:" + (i % 30)).hset("hash:" + (i % 30), "f" + i, "v" + i);
        }
        Path checkpoints = tmp.resolve("chk");
        String seed = source.masters().get(0).uri();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ops = new AtomicLong();
        AtomicReference<Throwable> loadFailed = new AtomicReference<>();
        Thread load = new Thread(() -> {
            try {
                for (long i = 0; !stop.get(); i++) {
                    route.forKey("c:" + (i % 211)).incr("c:" + (i % 211));
                    route.forKey("l:" + (i % 89)).lpush("l:" + (i % 89), String.valueOf(i));
                    route.forKey("a:" + (i % 47)).append("a:" + (i % 47), i + ",");
                    ops.incrementAndGet();
                }
            } catch (Throwable t) {
                loadFailed.set(t);
            }
        }, "load");
        Path from = null;
        try {
            for (int run = 0; run < 3; run++) {
                List<String> args = new ArrayList<>(List.of("run", "--source", seed, "--target", targetUri,
                        "--mode", "full+incremental", "--ttl-margin", "0s", "--web-ui-port", "0", "--checkpoint-interval", "1s",
                        "--parallelism", "2", "--checkpoint-dir", checkpoints.toUri().toString()));
                if (from != null) args.addAll(List.of("--from-savepoint", from.toString()));
                try (JobProcess job = JobProcess.start(args.toArray(new String[0]))) {
                    String jobId = job.awaitRunning(Duration.ofSeconds(60));
                    if (run == 0) load.start();
                    else awaitContinued(job);
                    if (run < 2) {
                        awaitCheckpoint(checkpoints, jobId, job);
                        long before = ops.get();
                        Thread.sleep(1500); // writes after the checkpoint reach the target, then are replayed
                        assertTrue(job.isAlive(), job.output());
                        assertTrue(ops.get() > before + 100, "load progressing: " + ops.get());
                        job.kill9();
                        from = JobProcess.latestCheckpoint(checkpoints, jobId);
                        assertNotNull(from);
                    } else {
                        Thread.sleep(2000); // the resumed job streams under load
                        stop.set(true);
                        load.join();
                        assertNull(loadFailed.get());
                        awaitMarkers(source, route, markersOnTarget, job);
                        assertTrue(!job.log().contains("taking a new snapshot"), job.output());
                        job.stop(Duration.ofSeconds(60));
                    }
                }
            }
        } finally {
            stop.set(true);
            load.join();
        }
        assertNull(loadFailed.get());
        return ops.get();
    }

    /** A resumed run continues every shard's stream with PSYNC (a new snapshot would hide a replay). */
    private static void awaitContinued(JobProcess job) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        for (String shard : new String[] {"slots-0-5460", "slots-5461-10921", "slots-10922-16383"}) {
            while (!job.log().contains(shard + ": continuing the replication stream from offset")) {
                if (job.log().contains("taking a new snapshot") || !job.isAlive() || System.currentTimeMillis() > deadline) {
                    throw new AssertionError(shard + " did not continue its stream\n" + job.output());
                }
                Thread.sleep(50);
            }
        }
    }

    /** Waits for a retained checkpoint of this run whose number is at least 2 (the stream phase under load). */
    private static void awaitCheckpoint(Path dir, String jobId, JobProcess job) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            Path chk = JobProcess.latestCheckpoint(dir, jobId);
            if (chk != null && Long.parseLong(chk.getFileName().toString().substring(4)) >= 2) return;
            if (!job.isAlive()) throw new AssertionError("the job exited\n" + job.output());
            if (System.currentTimeMillis() > deadline) throw new AssertionError("no checkpoint\n" + job.output());
            Thread.sleep(100);
        }
    }

    /** One marker in every slot, written on the source shard that owns it; waits until all are on the target. */
    private static void awaitMarkers(RedisCluster source, SlotRouter route, Supplier<Long> markersOnTarget, JobProcess job)
            throws InterruptedException {
        for (int slot = 0; slot < Slots.SLOT_COUNT; slot++) {
            String k = "{" + SlotTags.tag(slot) + "}marker";
            route.forSlot(slot).set(k, "1");
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (markersOnTarget.get() == Slots.SLOT_COUNT) return;
            if (!job.isAlive()) throw new AssertionError("the job exited\n" + job.output());
            Thread.sleep(200);
        }
        throw new AssertionError("the target did not catch up within 60 s: " + markersOnTarget.get() + " markers\n" + job.output());
    }

    private static void dropHeartbeats(RedisCluster source) {
        for (RedisServer m : source.masters()) for (String k : m.sync().keys("__redis_migrate:*")) m.sync().del(k);
    }

    private static long sourceKeys(RedisCluster source) {
        long n = 0;
        for (RedisServer m : source.masters()) n += m.sync().dbsize();
        return n;
    }

    private static String xorWithoutConstant(List<RedisServer> masters) {
        byte[] acc = new byte[20];
        for (RedisServer m : masters) {
            byte[] d = HexFormat.of().parseHex(RedisCluster.digestWithoutDb0Constant(m.digest()));
            for (int i = 0; i < 20; i++) acc[i] ^= d[i];
        }
        return HexFormat.of().formatHex(acc);
    }

    /**
     * The source's slot → master map, read once (the topology does not change in these tests), so the load does not
     * pay {@link RedisCluster#connectionFor}'s CLUSTER NODES round trips per command. Same routing.
     */
    private static final class SlotRouter {
        private final RedisServer[] owner = new RedisServer[Slots.SLOT_COUNT];

        SlotRouter(RedisCluster c) {
            for (RedisServer m : c.masters()) {
                for (String range : RedisCluster.slotsOf(m).split(",")) {
                    String[] r = range.split("-");
                    int lo = Integer.parseInt(r[0]);
                    int hi = r.length > 1 ? Integer.parseInt(r[1]) : lo;
                    for (int s = lo; s <= hi; s++) owner[s] = m;
                }
            }
            for (int s = 0; s < owner.length; s++) {
                if (owner[s] == null) throw new IllegalStateException("slot " + s + " unassigned");
            }
            if (owner[0] != c.nodeForSlot(0) || owner[16383] != c.nodeForSlot(16383)) throw new IllegalStateException("map");
        }

        RedisCommands<String, String> forSlot(int slot) {
            return owner[slot].sync();
        }

        RedisCommands<String, String> forKey(String key) {
            return forSlot(Slots.slot(key.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
