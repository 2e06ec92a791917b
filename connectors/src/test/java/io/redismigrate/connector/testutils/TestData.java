package io.redismigrate.connector.testutils;

import io.lettuce.core.api.sync.RedisCommands;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Writes a data set covering every type, small and large encodings, binary data, TTLs and several DBs. */
public final class TestData {
    private TestData() {}

    public static void populateAllTypes(RedisServer server) {
        RedisCommands<String, String> r = server.sync();
        RedisCommands<byte[], byte[]> b = server.binary();
        Random rnd = new Random(42);
        for (int db : new int[] {0, 3}) {
            r.select(db);
            b.select(db);
            String p = "db" + db + ":";
            // strings: int-encoded, small, compressible (LZF in the RDB), with TTL
            r.set(p + "int", "12345");
            r.set(p + "neg", "-987654321");
            r.set(p + "str", "hello world");
            r.set(p + "lzf", "a".repeat(5000));
            r.psetex(p + "ttl", 3_600_000, "expiring");
            // binary key and value with all 256 byte values
            byte[] all = new byte[256];
            for (int i = 0; i < 256; i++) all[i] = (byte) i;
            b.set(concat((p + "bin:").getBytes(StandardCharsets.UTF_8), all), all);
            // lists: small (listpack/ziplist) and large (quicklist with several nodes)
            r.rpush(p + "list:small", "a", "b", "1", "-2", "300000");
            for (int i = 0; i < 3000; i++) r.rpush(p + "list:big", "element-" + i + "-" + rnd.nextInt());
            // sets: intset, listpack (7.2+) or hashtable
            r.sadd(p + "set:int", "1", "2", "3", "-40000", "5000000000");
            r.sadd(p + "set:small", "x", "y", "z");
            for (int i = 0; i < 1000; i++) r.sadd(p + "set:big", "member-" + i);
            // sorted sets: listpack/ziplist and skiplist
            r.zadd(p + "zset:small", 1.5, "a");
            r.zadd(p + "zset:small", -2, "b");
            r.zadd(p + "zset:small", 1e20, "c");
            for (int i = 0; i < 1000; i++) r.zadd(p + "zset:big", rnd.nextDouble() * 1000 - 500, "m" + i);
            r.zadd(p + "zset:big", Double.POSITIVE_INFINITY, "inf");
            // hashes: listpack/ziplist and hashtable
            r.hset(p + "hash:small", "f1", "v1");
            r.hset(p + "hash:small", "f2", "2");
            for (int i = 0; i < 1000; i++) r.hset(p + "hash:big", "field" + i, "value" + rnd.nextInt());
            r.hset(p + "hash:longvalue", "f", "v".repeat(200));
            // streams with consumer groups and pending entries
            for (int i = 0; i < 250; i++) {
                r.xadd(p + "stream", "sensor", String.valueOf(i % 7), "value", String.valueOf(rnd.nextInt()));
            }
            r.xadd(p + "stream", "other", "fields");
            r.xgroupCreate(io.lettuce.core.XReadArgs.StreamOffset.from(p + "stream", "0-0"), "g1");
            r.xgroupCreate(io.lettuce.core.XReadArgs.StreamOffset.from(p + "stream", "$"), "g2");
            r.xreadgroup(io.lettuce.core.Consumer.from("g1", "alice"), io.lettuce.core.XReadArgs.Builder.count(10),
                    io.lettuce.core.XReadArgs.StreamOffset.lastConsumed(p + "stream"));
            r.xreadgroup(io.lettuce.core.Consumer.from("g1", "bob"), io.lettuce.core.XReadArgs.Builder.count(5),
                    io.lettuce.core.XReadArgs.StreamOffset.lastConsumed(p + "stream"));
            if (server.serverVersion().atLeast62()) {
                server.call("XGROUP", "CREATECONSUMER", p + "stream", "g2", "idle-carol");
            } else { // before 6.2: a read that finds nothing new creates the consumer
                server.call("XREADGROUP", "GROUP", "g2", "idle-carol", "COUNT", "1", "STREAMS", p + "stream", ">");
            }
            String firstId = r.xrange(p + "stream", io.lettuce.core.Range.create("-", "+"),
                    io.lettuce.core.Limit.from(1)).get(0).getId();
            r.xdel(p + "stream", firstId);
            r.xadd(p + "stream:empty", "a", "b");
            r.xtrim(p + "stream:empty", 0);
        }
        r.select(0);
        b.select(0);
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
