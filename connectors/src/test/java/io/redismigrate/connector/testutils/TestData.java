package io.redismigrate.connector.testutils;

import io.lettuce.core.api.sync.RedisCommands;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** The DBs {@link #populateMixed} writes. */
    public static final int[] MIXED_DBS = {0, 1, 5};
    /** A function library of {@link #populateMixed} (two functions, one read-only). */
    public static final String MIXED_LIBRARY = "#!lua name=pairlib\n"
            + "redis.register_function('pair_get', function(keys, args) return redis.call('GET', keys[1]) end)\n"
            + "redis.register_function{function_name='pair_ro', callback=function(keys, args) return args[1] end, flags={'no-writes'}}";

    /**
     * A mixed data set of about 3,000 keys, about 1,000 in each of the DBs {@link #MIXED_DBS}: strings (raw, int,
     * 64-bit limits, long compressible ones that are LZF in the RDB, random incompressible ones), lists small and
     * of more than 128 elements (ziplist/listpack and quicklist), sets small, intsets, and of more than 512 members
     * (hashtable), sorted sets small and of more than 128 members (listpack/ziplist and skiplist, with infinite
     * and fractional scores), hashes small and of more than 512 fields or long values (hashtable), streams with
     * consumer groups, pending entries, idle consumers, deleted entries and an empty one, a HyperLogLog and a geo
     * set, keys with TTLs (strings and every collection type), and binary keys, members and values (non-UTF-8
     * bytes). With {@code functions} a function library ({@link #MIXED_LIBRARY}); with {@code hashFieldTtls}
     * (Redis 7.4+) hashes small and big with TTLs on some of their fields. Deterministic (seeded).
     */
    public static void populateMixed(RedisServer server, boolean functions, boolean hashFieldTtls) {
        RedisCommands<String, String> r = server.sync();
        RedisCommands<byte[], byte[]> b = server.binary();
        Random rnd = new Random(2024);
        long now = System.currentTimeMillis();
        for (int db : MIXED_DBS) {
            r.select(db);
            b.select(db);
            String p = "m" + db + ":";
            // strings: raw (300), int-encoded and 64-bit limits (100 + 7), compressible (20), incompressible (5)
            for (int batch = 0; batch < 3; batch++) {
                Map<String, String> m = new LinkedHashMap<>();
                for (int i = batch * 100; i < batch * 100 + 100; i++) m.put(p + "str:" + i, "value-" + i + "-" + rnd.nextInt());
                r.mset(m);
            }
            Map<String, String> ints = new LinkedHashMap<>();
            for (int i = 0; i < 100; i++) ints.put(p + "int:" + i, String.valueOf(i * 7919L - 50_000));
            ints.put(p + "int:max", String.valueOf(Long.MAX_VALUE));
            ints.put(p + "int:min", String.valueOf(Long.MIN_VALUE));
            ints.put(p + "int:zero", "0");
            ints.put(p + "int:leading-zero", "007");
            ints.put(p + "int:plus", "+5");
            ints.put(p + "int:big", "123456789012345678901234567890");
            ints.put(p + "int:float", "3.14159");
            r.mset(ints);
            for (int i = 0; i < 20; i++) r.set(p + "lzf:" + i, ("abc" + i + "-").repeat(300 + i * 10));
            for (int i = 0; i < 5; i++) {
                byte[] v = new byte[3000 + i * 1000];
                rnd.nextBytes(v);
                b.set(bytes(p + "rnd:" + i), v);
            }
            // keys with TTLs: strings with relative and absolute expiry, far and near (but not within the test)
            for (int i = 0; i < 140; i++) r.psetex(p + "ttl:" + i, 3_600_000L + i * 10_000L, "expiring-" + i);
            for (int i = 0; i < 10; i++) {
                r.set(p + "ttl:at:" + i, "at-" + i);
                r.pexpireat(p + "ttl:at:" + i, now + 900_000 + i * 86_400_000L * 365);
            }
            // binary keys and values: non-UTF-8 bytes, NUL, empty value
            for (int i = 0; i < 50; i++) {
                byte[] key = concat(bytes(p + "bin:"), new byte[] {(byte) 0xff, (byte) 0xfe, (byte) i, 0, (byte) 0x80, (byte) (0xc0 + i % 16)});
                byte[] v = new byte[i == 0 ? 0 : rnd.nextInt(300)];
                rnd.nextBytes(v);
                b.set(key, v);
            }
            // lists: small (ziplist/listpack), more than 128 elements, long elements (several quicklist nodes)
            for (int i = 0; i < 80; i++) {
                List<String> e = new ArrayList<>();
                for (int j = 0; j < 3 + i % 8; j++) e.add(j % 3 == 0 ? String.valueOf(j * 1000 - i) : "e" + j + "-" + i);
                r.rpush(p + "list:s:" + i, e.toArray(new String[0]));
            }
            int[] bigLists = {129, 200, 1000};
            for (int n : bigLists) {
                String[] e = new String[n];
                for (int j = 0; j < n; j++) e[j] = j % 5 == 0 ? String.valueOf(j) : "element-" + j + "-" + rnd.nextInt();
                r.rpush(p + "list:b:" + n, e);
            }
            String[] longElements = new String[150];
            for (int j = 0; j < longElements.length; j++) longElements[j] = ("L" + j).repeat(60);
            r.rpush(p + "list:long", longElements);
            b.rpush(bytes(p + "list:bin"), new byte[] {(byte) 0xff, 0}, new byte[0], new byte[] {(byte) 0x80, (byte) 0x81});
            // sets: small, intsets, more than 512 members (also of integers), binary members
            for (int i = 0; i < 60; i++) {
                r.sadd(p + "set:s:" + i, "a" + i, "b" + i, "c", "member-" + (i % 7));
                r.sadd(p + "set:i:" + i, String.valueOf(i), String.valueOf(-i - 1), "40000", String.valueOf(5_000_000_000L + i));
            }
            for (int n : new int[] {513, 1000}) {
                String[] m = new String[n];
                for (int j = 0; j < n; j++) m[j] = "member-" + j;
                r.sadd(p + "set:b:" + n, m);
            }
            String[] manyInts = new String[600];
            for (int j = 0; j < manyInts.length; j++) manyInts[j] = String.valueOf(j * 3 - 900);
            r.sadd(p + "set:b:ints", manyInts);
            b.sadd(bytes(p + "set:bin"), new byte[] {(byte) 0xff}, new byte[] {0, 1, 2}, new byte[0]);
            // sorted sets: small, more than 128 members, special scores
            for (int i = 0; i < 60; i++) {
                r.zadd(p + "zset:s:" + i, io.lettuce.core.ScoredValue.just(1.5 + i, "a"),
                        io.lettuce.core.ScoredValue.just(-2, "b"), io.lettuce.core.ScoredValue.just(i * 0.1, "c"));
            }
            for (int n : new int[] {129, 300, 1000}) {
                List<io.lettuce.core.ScoredValue<String>> m = new ArrayList<>();
                for (int j = 0; j < n; j++) m.add(io.lettuce.core.ScoredValue.just(rnd.nextDouble() * 1000 - 500, "m" + j));
                m.add(io.lettuce.core.ScoredValue.just(Double.POSITIVE_INFINITY, "inf"));
                m.add(io.lettuce.core.ScoredValue.just(Double.NEGATIVE_INFINITY, "-inf"));
                m.add(io.lettuce.core.ScoredValue.just(1e300, "huge"));
                m.add(io.lettuce.core.ScoredValue.just(0.1, "tenth"));
                r.zadd(p + "zset:b:" + n, m.toArray(new io.lettuce.core.ScoredValue[0]));
            }
            // hashes: small, more than 512 fields, long values, binary fields
            for (int i = 0; i < 60; i++) {
                server.call("HSET", p + "hash:s:" + i, "f1", "v" + i, "f2", String.valueOf(i), "name", "hash " + i);
            }
            for (int n : new int[] {513, 700, 1000}) {
                Map<String, String> m = new LinkedHashMap<>();
                for (int j = 0; j < n; j++) m.put("field" + j, j % 3 == 0 ? String.valueOf(j) : "value" + rnd.nextInt());
                r.hset(p + "hash:b:" + n, m);
            }
            server.call("HSET", p + "hash:long", "f", "v".repeat(200), "g", "short");
            Map<byte[], byte[]> binFields = new LinkedHashMap<>();
            binFields.put(new byte[] {(byte) 0xfe, 0}, new byte[] {(byte) 0xff});
            binFields.put(new byte[] {1}, new byte[0]);
            b.hset(bytes(p + "hash:bin"), binFields);
            // streams: groups, pending entries, consumers with and without pending entries, deleted entries
            String s1 = p + "stream:big";
            for (int i = 0; i < 300; i++) {
                server.call("XADD", s1, "*", "sensor", String.valueOf(i % 7), "value", String.valueOf(rnd.nextInt()));
            }
            server.call("XGROUP", "CREATE", s1, "g1", "0");
            server.call("XGROUP", "CREATE", s1, "g2", "$");
            server.call("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "20", "STREAMS", s1, ">");
            server.call("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "10", "STREAMS", s1, ">");
            List<Object> pel = server.call("XPENDING", s1, "g1", "-", "+", "5");
            for (Object e : pel) server.call("XACK", s1, "g1", String.valueOf(((List<?>) e).get(0)));
            String claimed = String.valueOf(((List<?>) server.call("XPENDING", s1, "g1", "-", "+", "1").get(0)).get(0));
            server.call("XCLAIM", s1, "g1", "carol", "0", claimed);
            server.call("XCLAIM", s1, "g1", "carol", "0", claimed); // delivery count 3
            if (server.serverVersion().atLeast62()) {
                server.call("XGROUP", "CREATECONSUMER", s1, "g2", "idle-dave");
            } else { // before 6.2: a read that finds nothing new creates the consumer
                server.call("XREADGROUP", "GROUP", "g2", "idle-dave", "COUNT", "1", "STREAMS", s1, ">");
            }
            List<Object> range = server.call("XRANGE", s1, "-", "+", "COUNT", "60");
            String mid = String.valueOf(((List<?>) range.get(50)).get(0));
            server.call("XGROUP", "CREATE", s1, "g3", mid);
            server.call("XREADGROUP", "GROUP", "g3", "erin", "COUNT", "3", "STREAMS", s1, ">");
            for (int i = 40; i < 45; i++) server.call("XDEL", s1, String.valueOf(((List<?>) range.get(i)).get(0)));
            String s2 = p + "stream:small";
            for (int i = 0; i < 5; i++) server.call("XADD", s2, "*", "i", String.valueOf(i), "at", "x" + i);
            server.call("XGROUP", "CREATE", s2, "done", "0");
            for (io.lettuce.core.StreamMessage<String, String> e : r.xreadgroup(io.lettuce.core.Consumer.from("done", "frank"),
                    io.lettuce.core.XReadArgs.StreamOffset.lastConsumed(s2))) {
                r.xack(s2, "done", e.getId());
            }
            String last = String.valueOf(r.xadd(s2, Map.of("i", "last")));
            server.call("XDEL", s2, last); // the last ID stays, past every entry
            r.pexpire(s2, 7_200_000);
            String s3 = p + "stream:empty";
            r.xadd(s3, Map.of("a", "b"));
            r.xtrim(s3, 0);
            server.call("XGROUP", "CREATE", s3, "waiting", "$");
            // HyperLogLog and geo
            r.pfadd(p + "hll", "a", "b", "c", "d");
            server.call("GEOADD", p + "geo", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
            // TTLs on collections
            r.pexpire(p + "list:s:0", 5_400_000);
            r.pexpire(p + "list:b:200", 5_400_000);
            r.pexpire(p + "set:s:0", 5_400_000);
            r.pexpire(p + "set:b:513", 5_400_000);
            r.pexpire(p + "zset:s:0", 5_400_000);
            r.pexpire(p + "zset:b:300", 5_400_000);
            r.pexpire(p + "hash:s:0", 5_400_000);
            r.pexpire(p + "hash:b:700", 5_400_000);
            if (hashFieldTtls) {
                server.call("HSET", p + "hfe:small", "a", "1", "b", "2", "c", "3", "d", "4");
                server.call("HPEXPIRE", p + "hfe:small", "3600000", "FIELDS", "2", "a", "b");
                server.call("HEXPIREAT", p + "hfe:small", String.valueOf(now / 1000 + 7200), "FIELDS", "1", "c");
                Map<String, String> m = new LinkedHashMap<>();
                for (int j = 0; j < 600; j++) m.put("field" + j, "value" + j);
                r.hset(p + "hfe:big", m);
                List<String> args = new ArrayList<>(List.of("HPEXPIRE", p + "hfe:big", "5400000", "FIELDS", "100"));
                for (int j = 0; j < 100; j++) args.add("field" + (j * 6));
                server.call(args.toArray(new String[0]));
                r.pexpire(p + "hfe:big", 9_000_000);
            }
        }
        if (functions) server.call("FUNCTION", "LOAD", MIXED_LIBRARY);
        r.select(0);
        b.select(0);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
