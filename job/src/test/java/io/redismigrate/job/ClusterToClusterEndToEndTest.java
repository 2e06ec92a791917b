package io.redismigrate.job;

import io.redismigrate.connector.testutils.RedisCluster;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestCluster;
import io.redismigrate.connector.event.SlotTags;
import io.redismigrate.job.testutils.JobProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 3-master cluster into a 2-master cluster with another slot layout: snapshot, then the stream of every shard
 * under a non-idempotent write load; the destination ends equal (XOR of the masters' digests, key count, a TTL).
 */
class ClusterToClusterEndToEndTest {

    @Test
    void threeShardsIntoTwoShardsUnderLoadEndEqual() throws Exception {
        try (RedisCluster source = RedisCluster.start(3, 0); TestCluster target = TestCluster.start(2)) {
            for (int i = 0; i < 600; i++) {
                source.connectionFor("str:" + i).set("str:" + i, "v" + i);
                source.connectionFor("list:" + (i % 40)).rpush("list:" + (i % 40), "e" + i);
                source.connectionFor("hash:" + (i % 30)).hset("hash:" + (i % 30), "f" + i, "v" + i);
            }
            source.connectionFor("ttl:1").setex("ttl:1", 3600, "x");
            String seed = source.masters().get(0).uri();
            try (JobProcess job = JobProcess.start("run", "--source", seed, "--target", target.uri(), "--mode", "full+incremental", "--ttl-margin", "0s",
                    "--web-ui-port", "0", "--checkpoint-interval", "1s", "--parallelism", "2")) {
                job.awaitRunning(Duration.ofSeconds(90));
                for (int i = 0; i < 3000; i++) { // non-idempotent writes in the stream phase, on every shard
                    source.connectionFor("c:" + (i % 97)).incr("c:" + (i % 97));
                    source.connectionFor("l:" + (i % 53)).lpush("l:" + (i % 53), String.valueOf(i));
                    source.connectionFor("a:" + (i % 31)).append("a:" + (i % 31), i + ",");
                }
                awaitMarkers(source, target, job);
                job.stop(Duration.ofSeconds(60));
            }
            // the tool's own verify, against both clusters as the job left them (fences, heartbeats in place)
            MainTest.Run verify = MainTest.run("verify", "--source", seed, "--target", target.uri());
            assertEquals(0, verify.code(), verify.out() + verify.err());
            assertTrue(verify.out().contains(" 0 missing, 0 different, 0 extra"), verify.out());
            for (RedisServer m : source.masters()) for (String k : m.sync().keys("__redis_migrate:*")) m.sync().del(k);
            target.dropToolKeys();
            long sourceKeys = 0;
            for (RedisServer m : source.masters()) sourceKeys += m.sync().dbsize();
            assertEquals(sourceKeys, target.dbsize(), "key count");
            assertEquals(source.digestWithoutDb0Constant(), xorWithoutConstant(target.masters()), "digest");
            long want = ((Number) source.nodeFor("ttl:1").call("PEXPIRETIME", "ttl:1").get(0)).longValue();
            long got = ((Number) target.owner(TestCluster.slot("ttl:1")).call("PEXPIRETIME", "ttl:1").get(0)).longValue();
            assertTrue(Math.abs(want - got) <= 1000, want + " vs " + got);
        }
    }

    /** One marker in every slot, written on the source shard that owns it; waits until all are on the target. */
    private static void awaitMarkers(RedisCluster source, TestCluster target, JobProcess job) throws InterruptedException {
        List<String> keys = new ArrayList<>();
        for (int slot = 0; slot < 16384; slot++) keys.add("{" + SlotTags.tag(slot) + "}marker");
        for (String k : keys) source.connectionFor(k).set(k, "1");
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            long n = 0;
            for (RedisServer m : target.masters()) n += m.sync().keys("*}marker").size();
            if (n == keys.size()) return;
            if (!job.isAlive()) throw new AssertionError("the job exited\n" + job.output());
            Thread.sleep(200);
        }
        throw new AssertionError("the target did not catch up within 120 s\n" + job.output());
    }

    private static String xorWithoutConstant(List<RedisServer> masters) {
        byte[] acc = new byte[20];
        for (RedisServer m : masters) {
            byte[] d = HexFormat.of().parseHex(RedisCluster.digestWithoutDb0Constant(m.digest()));
            for (int i = 0; i < 20; i++) acc[i] ^= d[i];
        }
        return HexFormat.of().formatHex(acc);
    }
}
