package io.redismigrate.job.testutils;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestData;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The independent check of the version-pair tests finds every kind of divergence it claims to: two servers loaded
 * with the same data set compare equal, and each single change on the target is reported, naming the key.
 */
class KeyByKeyTest {
    @Test
    void equalServersPassAndEveryKindOfChangeIsFound() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            boolean functions = source.serverVersion().hasFunctions();
            TestData.populateMixed(source, functions, false);
            target.call("REPLICAOF", "127.0.0.1", String.valueOf(source.port()));
            long deadline = System.currentTimeMillis() + 30_000;
            while (!"up".equals(Migrations.info(target, "replication").get("master_link_status"))
                    || !Migrations.keyspace(source).equals(Migrations.keyspace(target))) {
                if (System.currentTimeMillis() > deadline) throw new AssertionError("the replica did not sync");
                Thread.sleep(50);
            }
            target.call("REPLICAOF", "NO", "ONE");
            assertTrue(KeyByKey.assertSameData(source, target) > 2900);

            // one change per key, each of a different kind
            target.sync().set("m0:str:7", "other");
            target.sync().pexpire("m0:ttl:3", 30_000_000);
            target.sync().persist("m0:list:s:0");
            target.sync().zadd("m0:zset:b:300", 0.5, "m1");
            target.sync().lset("m0:list:b:1000", 500, "changed");
            target.sync().hset("m0:hash:b:700", "field3", "changed");
            target.sync().srem("m0:set:i:4", "4");
            target.binary().set(TestData.concat("m0:bin:".getBytes(StandardCharsets.UTF_8),
                    new byte[] {(byte) 0xff, (byte) 0xfe, 3, 0, (byte) 0x80, (byte) 0xc3}), new byte[] {1});
            target.sync().del("m0:stream:small");
            target.sync().rpush("m0:stream:small", "now a list");
            // streams: a group's last-delivered ID, a consumer without pending entries, a pending entry's owner, an entry
            target.call("XGROUP", "SETID", "m0:stream:big", "g2", "0");
            target.sync().select(1);
            target.call("XGROUP", "DELCONSUMER", "m1:stream:big", "g2", "idle-dave");
            target.sync().set("m1:new", "x");
            target.sync().select(5);
            String id = String.valueOf(((List<?>) target.call("XPENDING", "m5:stream:big", "g1", "-", "+", "1").get(0)).get(0));
            target.call("XCLAIM", "m5:stream:big", "g1", "zoe", "0", id);
            target.call("XDEL", "m5:stream:small", String.valueOf(
                    ((List<?>) target.call("XRANGE", "m5:stream:small", "-", "+", "COUNT", "1").get(0)).get(0)));
            target.sync().del("m5:set:b:513");
            target.sync().select(0);
            if (functions) target.call("FUNCTION", "DELETE", "pairlib");

            String m = assertThrows(AssertionError.class, () -> KeyByKey.assertSameData(source, target)).getMessage();
            for (String expected : List.of("db0 \"m0:str:7\": string differs", "db0 \"m0:ttl:3\": expires at",
                    "db0 \"m0:list:s:0\": PTTL 5", "db0 \"m0:zset:b:300\": zset differs", "db0 \"m0:list:b:1000\": list differs",
                    "db0 \"m0:hash:b:700\": hash differs", "db0 \"m0:set:i:4\": set differs",
                    "db0 \"m0:bin:\\xff\\xfe\\x03\\x00\\x80\\xc3\": string differs",
                    "db0 \"m0:stream:small\": type stream on the source, list on the target",
                    "db0 \"m0:stream:big\": stream differs", "db1 \"m1:stream:big\": stream differs",
                    "db1 \"m1:new\": extra on the target", "db5 \"m5:stream:big\": stream differs",
                    "db5 \"m5:stream:small\": stream differs", "db5 \"m5:set:b:513\": missing on the target")) {
                assertTrue(m.contains(expected), "'" + expected + "' not in: " + m);
            }
            int expected = 15 + (functions ? 1 : 0);
            assertTrue(m.startsWith("target differs from source (" + expected + " differences; "), m);
            if (functions) assertTrue(m.contains("function libraries differ"), m);
        }
    }
}
