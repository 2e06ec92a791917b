package io.redismigrate.job;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.redismigrate.connector.event.Slots;
import io.redismigrate.connector.testutils.RedisCluster;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.job.testutils.JobProcess;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster source (3 masters) into a standalone target, against real clusters of redis-server processes:
 * snapshot only, snapshot + stream under a write load, a failover of a shard's master mid-stream, and reading from
 * replicas. Equality: the target's DEBUG DIGEST vs the XOR of the masters' digests (DB 0 term removed), after the
 * job has stopped and the tool's own keys (fences on the target, heartbeats on the source) are deleted.
 */
class ClusterSourceEndToEndTest {
    private static final String FENCE = "__redis_migrate:fence:";
    private static final String HEARTBEAT = "__redis_migrate:heartbeat";

    /** Keys of every type, spread over every slot range. */
    private static void fill(RedisCluster c, int n) {
        for (int i = 0; i < n; i++) {
            c.connectionFor("s:" + i).set("s:" + i, "value-" + i);
            c.connectionFor("l:" + i).rpush("l:" + i, "a" + i, "b", "c");
            c.connectionFor("h:" + i).hset("h:" + i, Map.of("f1", "x" + i, "f2", "y"));
            c.connectionFor("z:" + i).zadd("z:" + i, i, "m" + i);
            if (i % 10 == 0) c.connectionFor("t:" + i).setex("t:" + i, 3600, "ttl");
        }
    }

    private static void assertEqualData(RedisCluster source, RedisServer target) {
        for (RedisServer m : source.masters()) {
            for (String k : m.sync().keys(HEARTBEAT + "*")) m.sync().del(k);
        }
        target.sync().select(0);
        for (String k : target.sync().keys(FENCE + "*")) target.sync().del(k);
        long sourceKeys = 0;
        for (RedisServer m : source.masters()) sourceKeys += m.sync().dbsize();
        assertEquals(sourceKeys, target.sync().dbsize(), "key count (source masters " + source.dbsizes() + ")");
        assertEquals(source.digestWithoutDb0Constant(), RedisCluster.digestWithoutDb0Constant(target.digest()),
                "DEBUG DIGEST of the target vs XOR of the source masters'");
        assertTrue(target.sync().ttl("t:0") > 3000, "TTL kept");
    }

    private static long stat(RedisServer s, String section, String name) {
        for (String line : s.sync().info(section).split("\r?\n")) {
            if (line.startsWith(name + ":")) return Long.parseLong(line.substring(name.length() + 1).trim());
        }
        throw new AssertionError(name + " not in INFO " + section);
    }

    @Test
    void fullSnapshotOfAClusterIntoAStandaloneTarget() throws Exception {
        try (RedisCluster source = RedisCluster.start(3, 0); RedisServer target = RedisServer.start()) {
            fill(source, 2000);
            for (RedisServer m : source.masters()) assertTrue(m.sync().dbsize() > 2000, "data on every shard");
            MainTest.Run r = MainTest.run("run", "--source", source.masters().get(1).uri(), "--target", target.uri(),
                    "--mode", "full", "--web-ui-port", "0", "--parallelism", "2");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("full migration done: 8,200 keys"), r.out());
            assertEqualData(source, target);
            for (RedisServer m : source.masters()) assertEquals(1, stat(m, "stats", "sync_full"), "one full sync per master");
        }
    }

    @Test
    void preferReplicaReadsEveryShardFromAReplica() throws Exception {
        try (RedisCluster source = RedisCluster.start(3, 1); RedisServer target = RedisServer.start()) {
            fill(source, 500);
            Map<Integer, Long> mastersFull = new TreeMap<>();
            for (RedisServer m : source.masters()) mastersFull.put(m.port(), stat(m, "stats", "sync_full"));
            MainTest.Run r = MainTest.run("run", "--source", source.masters().get(0).uri(), "--target", target.uri(),
                    "--mode", "full", "--web-ui-port", "0", "--source-prefer", "replica");
            assertEquals(0, r.code(), r.err());
            for (RedisServer m : source.masters()) {
                assertEquals(mastersFull.get(m.port()), stat(m, "stats", "sync_full"), "no full sync served by master " + m.port());
            }
            for (RedisServer rep : source.replicas()) {
                assertEquals(1, stat(rep, "stats", "sync_full"), "replica " + rep.port() + " served our full sync");
            }
            assertEqualData(source, target);
        }
    }

    /**
     * Snapshot + stream under a load of non-idempotent writes (INCR, LPUSH, APPEND, HINCRBY) on every shard, read by
     * 3 source subtasks; during the stream a shard's replica is promoted (CLUSTER FAILOVER): the job loses the old
     * master, restarts from its checkpoint and continues on the new master with PSYNC (no full sync there), and the
     * target equals the source at the end.
     */
    @Test
    void streamUnderLoadAndFailoverContinuesWithoutAFullSync() throws Exception {
        Path dir = Files.createTempDirectory("cluster-e2e");
        try (RedisCluster source = RedisCluster.start(3, 1); RedisServer target = RedisServer.start()) {
            fill(source, 300);
            RedisServer oldMaster = source.nodeForSlot(0);
            RedisServer promoted = source.replicasOf(oldMaster).get(0);
            try (ClusterLoad load = new ClusterLoad(source.masters().get(0));
                 JobProcess job = JobProcess.start("run", "--source", source.masters().get(2).uri(), "--target", target.uri(),
                         "--mode", "full+incremental", "--ttl-margin", "0s", "--web-ui-port", "0", "--checkpoint-interval", "1s",
                         "--parallelism", "3", "--checkpoint-dir", dir.resolve("chk").toString(),
                         "--savepoint-dir", dir.resolve("sp").toString(), "--spool-dir", dir.resolve("spool").toString())) {
                String jobId = job.awaitRunning(Duration.ofSeconds(60));
                for (String shard : new String[] {"slots-0-5460", "slots-5461-10921", "slots-10922-16383"}) {
                    job.awaitLog(shard + ": full sync from offset", Duration.ofSeconds(60));
                }
                awaitCaughtUp(source, target, job);
                assertTrue(load.ops() > 0, "load running");
                // a checkpoint taken in the stream phase, so the restart after the failover resumes the stream
                awaitNewCheckpoints(dir.resolve("chk"), jobId, 2, job);
                String before = job.stderr();
                assertFalse(before.contains("continuing"), before);

                source.failover(promoted);
                assertEquals(0, stat(promoted, "stats", "sync_full"), "the promoted replica never served a full sync");
                // the job loses the demoted master, restarts from its checkpoint and PSYNCs the new master
                job.awaitLog("slots-0-5460: reading the shard (slots 0-5460) from master 127.0.0.1:" + promoted.port(),
                        Duration.ofSeconds(60));
                job.awaitLog("slots-0-5460: continuing the replication stream", Duration.ofSeconds(60));
                long opsAtFailover = load.ops();
                while (load.ops() < opsAtFailover + 500) Thread.sleep(50); // more writes after the failover
                load.stop();
                awaitCaughtUp(source, target, job);
                String log = job.stderr();
                assertFalse(log.contains("taking a new snapshot"), log);
                assertEquals(0, stat(promoted, "stats", "sync_full"), "no full sync on the new master");
                assertTrue(stat(promoted, "stats", "sync_partial_ok") >= 2,
                        "the demoted master and the job continued with PSYNC on the new master");
                job.stopWithSavepoint(Duration.ofSeconds(120));
            }
            assertEqualData(source, target);
        }
    }

    /**
     * Waits until every shard's fence on the target reaches the shard master's offset, after writing a marker key
     * on each shard (the heartbeats alone do not move the fences: they are not written to the target).
     */
    private static void awaitCaughtUp(RedisCluster source, RedisServer target, JobProcess job) throws InterruptedException {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (true) {
            Map<String, Long> want = new TreeMap<>();
            for (RedisServer m : source.masters()) {
                String slots = RedisCluster.slotsOf(m);
                String marker = "__test:marker:{" + tagFor(slots) + "}";
                m.sync().incr(marker);
                want.put("slots-" + slots.split(",")[0], stat(m, "replication", "master_repl_offset"));
            }
            long roundEnd = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < roundEnd) {
                boolean all = true;
                target.sync().select(0);
                for (Map.Entry<String, Long> e : want.entrySet()) {
                    String f = target.sync().get(FENCE + e.getKey());
                    if (f == null || Long.parseLong(f) < e.getValue()) all = false;
                }
                if (all) return;
                if (!job.isAlive()) throw new AssertionError("the job exited\n" + job.output());
                Thread.sleep(50);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not caught up: want " + want + ", fences " + target.sync().keys(FENCE + "*")
                        + "\n" + job.output());
            }
        }
    }

    private static void awaitNewCheckpoints(Path dir, String jobId, int n, JobProcess job) throws InterruptedException {
        long start = checkpointNumber(dir, jobId);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (checkpointNumber(dir, jobId) < start + n) {
            if (System.nanoTime() > deadline) throw new AssertionError("no new checkpoints\n" + job.output());
            Thread.sleep(100);
        }
    }

    private static long checkpointNumber(Path dir, String jobId) {
        Path chk = JobProcess.latestCheckpoint(dir, jobId);
        return chk == null ? 0 : Long.parseLong(chk.getFileName().toString().substring(4));
    }

    private static String tagFor(String slots) {
        String[] r = slots.split(",")[0].split("-");
        int from = Integer.parseInt(r[0]);
        int to = Integer.parseInt(r[r.length - 1]);
        for (int i = 0; ; i++) {
            int s = Slots.slot(("t" + i).getBytes(StandardCharsets.UTF_8));
            if (s >= from && s <= to) return "t" + i;
        }
    }

    /**
     * Non-idempotent writes over all slots through Lettuce's cluster client (follows MOVED after a failover). A
     * command that fails during the failover is not retried; the comparison is source vs target either way.
     */
    private static final class ClusterLoad implements AutoCloseable {
        private final RedisClusterClient client;
        private final StatefulRedisClusterConnection<String, String> connection;
        private final Thread thread;
        private final AtomicLong ops = new AtomicLong();
        private volatile boolean stopped;

        ClusterLoad(RedisServer seed) {
            client = RedisClusterClient.create(RedisURI.create("127.0.0.1", seed.port()));
            client.setOptions(ClusterClientOptions.builder().topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                    .enableAllAdaptiveRefreshTriggers().build()).build());
            connection = client.connect();
            connection.setTimeout(Duration.ofSeconds(5));
            RedisAdvancedClusterCommands<String, String> r = connection.sync();
            thread = new Thread(() -> {
                Random rnd = new Random(3);
                while (!stopped) {
                    long i = ops.get();
                    String k = Integer.toString(rnd.nextInt(200));
                    try {
                        switch ((int) (i % 5)) {
                            case 0: r.incr("c:" + k); break;
                            case 1: r.lpush("q:" + k, "v" + i); break;
                            case 2: r.append("a:" + k, "x"); break;
                            case 3: r.hincrby("hc:" + k, "f", 2); break;
                            default: r.ltrim("q:" + k, 0, 5); break;
                        }
                    } catch (RuntimeException e) {
                        // failover in progress: go on
                    }
                    ops.incrementAndGet();
                    if (i % 20 == 0) {
                        try {
                            Thread.sleep(2);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "cluster-load");
            thread.setDaemon(true);
            thread.start();
        }

        long ops() {
            return ops.get();
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.join(30_000);
        }

        @Override
        public void close() throws InterruptedException {
            stop();
            connection.close();
            client.shutdown();
        }
    }
}
