package io.redismigrate.job;

import io.lettuce.core.ScriptOutputType;
import io.redismigrate.connector.event.SlotTags;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.ServerVersion;
import io.redismigrate.connector.testutils.TestCluster;
import io.redismigrate.job.testutils.JobProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Standalone source → 3-master cluster destination, full + incremental, with the job in a child JVM (parallelism
 * 2: keyBy(slot) spreads slots over two sink subtasks). Equality: the XOR of the masters' DEBUG DIGESTs (their
 * DB-constant removed) equals the source's digest, after the tool's own keys are deleted on both sides.
 * Catching up is detected exactly: one MSET writes a marker key into every one of the 16384 slots; once all are on
 * the cluster, every earlier command of every slot has been applied (order per slot).
 */
class ClusterTargetEndToEndTest {
    private int markerRound;

    static String[] runArgs(RedisServer source, TestCluster target, String... extra) {
        List<String> a = new ArrayList<>(List.of("run", "--source", source.uri(), "--target", target.uri(),
                "--mode", "full+incremental", "--ttl-margin", "0s", "--web-ui-port", "0", "--checkpoint-interval", "1s", "--parallelism", "2"));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    static void populate(RedisServer s) {
        var c = s.sync();
        for (int i = 0; i < 500; i++) {
            c.set("str:" + i, "value-" + i);
            c.hset("hash:" + (i % 50), "f" + i, "v" + i);
            c.rpush("list:" + (i % 40), "e" + i);
            c.sadd("set:" + (i % 30), "m" + i);
            c.zadd("zset:" + (i % 20), i, "z" + i);
        }
        c.xadd("stream:1", Map.of("a", "1"));
        c.xgroupCreate(io.lettuce.core.XReadArgs.StreamOffset.from("stream:1", "0"), "g1");
        c.setex("ttl:1", 3600, "x");
        c.set("rename:src:0", "r0");
        c.sadd("smove:src", "a", "b", "c");
    }

    /** Cross-slot commands of every kind the sink must split or refresh, plus single-slot transactions. */
    static void crossSlotLoad(RedisServer s, int round) {
        var c = s.sync();
        String r = String.valueOf(round);
        c.mset(Map.of("mset:a" + r, "1", "mset:b" + r, "2", "mset:c" + r, "3"));
        c.msetnx(Map.of("msetnx:a" + r, "1", "msetnx:b" + r, "2"));
        c.del("str:" + round, "str:" + (round + 100), "str:" + (round + 200));
        c.rename("rename:src:" + round, "rename:src:" + (round + 1));
        c.smove("smove:src", "smove:dst" + r, "a");
        c.smove("smove:dst" + r, "smove:src", "a");
        c.sunionstore("union:" + r, "set:1", "set:2", "set:3");
        c.incr("counter:x");
        c.lpush("lpush:y", r);
        c.append("append:z", r);
        c.multi();
        c.incr("tx:a");
        c.lpush("tx:b", r);
        c.set("tx:c" + r, r);
        c.exec();
        c.multi(); // single slot: stays one atomic MULTI/EXEC on the destination
        c.incr("{same}a");
        c.rpush("{same}b", r);
        c.exec();
        c.eval("redis.call('incr', KEYS[1]); redis.call('rpush', KEYS[2], ARGV[1]); return 1", ScriptOutputType.INTEGER,
                new String[] {"eval:k1", "eval:k2"}, r);
    }

    /** Non-idempotent writes over many slots (INCR, LPUSH, APPEND), some cross-slot. */
    static void nonIdempotent(RedisServer s, int i) {
        var c = s.sync();
        c.incr("c:" + (i % 500));
        c.lpush("l:" + (i % 300), String.valueOf(i));
        c.append("s:" + (i % 200), i + ",");
        if (i % 50 == 0) {
            c.sunionstore("u:" + (i % 7), "l-set:1", "l-set:2");
            c.sadd("l-set:" + (i % 3), String.valueOf(i));
            c.mset(Map.of("m:a" + (i % 11), String.valueOf(i), "m:b" + (i % 13), String.valueOf(i)));
        }
    }

    /** Writes a marker into every slot (one cross-slot MSET) and waits until all are on the cluster. */
    void awaitCaughtUp(RedisServer source, TestCluster cluster, JobProcess job) throws InterruptedException {
        int round = ++markerRound;
        Map<String, String> markers = new LinkedHashMap<>();
        for (int slot = 0; slot < 16384; slot++) markers.put("{" + SlotTags.tag(slot) + "}m" + round, "1");
        source.sync().mset(markers);
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            long n = 0;
            for (RedisServer m : cluster.masters()) n += m.sync().keys("*}m" + round).size();
            if (n == 16384) return;
            if (!job.isAlive()) throw new AssertionError("the job exited\n" + job.output());
            Thread.sleep(200);
        }
        throw new AssertionError("the cluster did not catch up within 120 s\n" + job.output());
    }

    static void assertEqual(RedisServer source, TestCluster cluster) {
        for (String k : source.sync().keys("__redis_migrate:*")) source.sync().del(k);
        cluster.dropToolKeys();
        assertEquals(source.sync().dbsize().longValue(), cluster.dbsize(), "key count");
        assertEquals(source.digest(), cluster.digest(), "DEBUG DIGEST (source) vs XOR of the masters' digests");
        RedisServer owner = cluster.owner(TestCluster.slot("ttl:1"));
        if (source.serverVersion().hasFunctions() && owner.serverVersion().hasFunctions()) {
            Object want = source.call("PEXPIRETIME", "ttl:1").get(0);
            Object got = owner.call("PEXPIRETIME", "ttl:1").get(0);
            assertTrue(Math.abs(((Number) want).longValue() - ((Number) got).longValue()) <= 1000, want + " vs " + got);
        } else { // no PEXPIRETIME before Redis 7.0: reply time + PTTL on each side, round trips added to the tolerance
            long t0 = System.currentTimeMillis();
            long want = source.sync().pttl("ttl:1");
            long t1 = System.currentTimeMillis();
            long got = owner.sync().pttl("ttl:1");
            long t2 = System.currentTimeMillis();
            assertTrue(want > 0 && got > 0 && Math.abs((t0 + want) - (t1 + got)) <= 1000 + (t2 - t0),
                    "PTTL " + want + " vs " + got);
        }
    }

    @Test
    void fullAndIncrementalWithCrossSlotCommandsEndEqual() throws Exception {
        try (RedisServer source = RedisServer.start(); TestCluster cluster = TestCluster.start(3)) {
            populate(source);
            try (JobProcess job = JobProcess.start(runArgs(source, cluster))) {
                job.awaitRunning(Duration.ofSeconds(60));
                for (int round = 0; round < 30; round++) crossSlotLoad(source, round);
                awaitCaughtUp(source, cluster, job);
                for (int round = 30; round < 60; round++) crossSlotLoad(source, round);
                awaitCaughtUp(source, cluster, job);
                assertTrue(job.isAlive(), job.output());
                String log = job.log();
                for (String cmd : new String[] {"MSET", "DEL", "RENAME", "SMOVE", "SUNIONSTORE", "MULTI/EXEC"}) {
                    assertTrue(log.contains("cross-slot " + cmd + " at offset"), cmd + " not counted as cross-slot\n" + job.output());
                }
                assertTrue(!log.contains("Exception"), job.output());
                job.stop(Duration.ofSeconds(60));
            }
            assertEqual(source, cluster);
        }
    }

    /** Runs once per server version of {@code ServerVersions.all()}, source and cluster nodes of that version. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.redismigrate.connector.testutils.ServerVersions#all")
    void killNineAndResumeFromCheckpointWithoutDuplicates(ServerVersion v) throws Exception {
        Path checkpoints = Files.createTempDirectory("redis-migrate-chk");
        try (RedisServer source = RedisServer.start(v); TestCluster cluster = TestCluster.start(v, 3)) {
            populate(source);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> loadFailed = new AtomicReference<>();
            int[] i = {0};
            Thread load = new Thread(() -> {
                try {
                    while (!stop.get()) nonIdempotent(source, i[0]++);
                } catch (Throwable t) {
                    loadFailed.set(t);
                }
            });
            String jobId;
            try (JobProcess job = JobProcess.start(runArgs(source, cluster, "--checkpoint-dir", checkpoints.toUri().toString()))) {
                jobId = job.awaitRunning(Duration.ofSeconds(60));
                load.start();
                long deadline = System.currentTimeMillis() + 60_000;
                while (JobProcess.latestCheckpoint(checkpoints, jobId) == null || System.currentTimeMillis() < deadline - 55_000) {
                    if (System.currentTimeMillis() > deadline) throw new AssertionError("no checkpoint\n" + job.output());
                    Thread.sleep(100);
                }
                Thread.sleep(1500); // writes after the checkpoint are applied, then replayed after the crash
                job.kill9();
            }
            Path chk = JobProcess.latestCheckpoint(checkpoints, jobId);
            assertNotNull(chk);
            Thread.sleep(1000);
            try (JobProcess job = JobProcess.start(runArgs(source, cluster, "--checkpoint-dir", checkpoints.toUri().toString(),
                    "--from-savepoint", chk.toString()))) {
                job.awaitRunning(Duration.ofSeconds(60));
                Thread.sleep(4000);
                stop.set(true);
                load.join();
                assertNull(loadFailed.get());
                awaitCaughtUp(source, cluster, job);
                assertTrue(job.log().contains("+CONTINUE") || !job.log().contains("FULLRESYNC"), job.output());
                job.kill9();
            }
            assertTrue(i[0] > 1000, "load too small: " + i[0]);
            assertEqual(source, cluster);
        }
    }

    @Test
    void destinationReshardingMidStreamEndsEqual() throws Exception {
        try (RedisServer source = RedisServer.start(); TestCluster cluster = TestCluster.start(3)) {
            populate(source);
            for (int k = 0; k < 300; k++) source.sync().rpush("{hot}list:" + k, "0");
            int slot = TestCluster.slot("{hot}");
            RedisServer to = cluster.masters().get((cluster.masters().indexOf(cluster.owner(slot)) + 1) % 3);
            try (JobProcess job = JobProcess.start(runArgs(source, cluster))) {
                job.awaitRunning(Duration.ofSeconds(60));
                awaitCaughtUp(source, cluster, job);
                AtomicReference<Throwable> moveFailed = new AtomicReference<>();
                Thread mover = new Thread(() -> {
                    try {
                        cluster.moveSlot(slot, to, 5, 20);
                    } catch (Throwable t) {
                        moveFailed.set(t);
                    }
                });
                mover.start();
                int round = 1;
                while (mover.isAlive() || round < 5) {
                    for (int k = 0; k < 300; k++) {
                        source.sync().rpush("{hot}list:" + k, String.valueOf(round));
                        source.sync().incr("{hot}n:" + k);
                    }
                    nonIdempotent(source, round);
                    round++;
                }
                mover.join();
                assertNull(moveFailed.get());
                awaitCaughtUp(source, cluster, job);
                assertTrue(job.isAlive(), job.output());
                job.kill9();
            }
            assertEquals(to, cluster.owner(slot));
            assertEqual(source, cluster);
        }
    }
}
