package io.redismigrate.connector.sink;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.resp.RedisAccessException;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestWriterContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedisSinkWriterTest {
    private static final int DBS = 4;
    private static RedisServer source; // only to obtain real DUMP payloads
    private static RedisServer target;

    @BeforeAll
    static void start() throws IOException {
        source = RedisServer.start();
        target = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        if (source != null) source.close();
        if (target != null) target.close();
    }

    private static RedisSinkConfig config(RedisServer server) {
        return RedisSinkConfig.of(RedisEndpoint.parse(server.uri()));
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static RedisEvent cmd(int db, String key, String... args) {
        byte[][] a = new byte[args.length][];
        for (int i = 0; i < args.length; i++) a[i] = b(args[i]);
        return RedisEvent.command("split-0", 1, db, key == null ? null : b(key), a);
    }

    /** A binary key: every byte value 0..255 shows up as the first byte across keys. */
    private static byte[] binaryKey(int i) {
        return new byte[] {(byte) i, (byte) (i >>> 8), (byte) (i >>> 16), 0, '\r', '\n', (byte) 0xff, (byte) (i * 31)};
    }

    /** 256 bytes holding every byte value, rotated by i. */
    private static byte[] allBytes(int i) {
        byte[] v = new byte[256];
        for (int j = 0; j < 256; j++) v[j] = (byte) (j + i);
        return v;
    }

    @Test
    void writesHundredThousandRestoreAndCommandEventsOverSeveralDbsWithTtls() throws Exception {
        int restores = 50_000;
        int commands = 50_000;
        long ttlBase = System.currentTimeMillis() + 3_600_000;
        List<RedisEvent> events = new ArrayList<>(restores + commands);
        byte[][] payloads = dumpPayloads(restores);
        // the value digest also covers whether a key has a TTL: give the source keys the same ones
        List<RedisFuture<Boolean>> expiring = new ArrayList<>();
        for (int i = 0; i < restores; i += 3) expiring.add(source.binaryAsync().pexpireat(restoreKey(i), ttlBase + i));
        for (RedisFuture<Boolean> f : expiring) assertTrue(f.get(10, TimeUnit.SECONDS));
        List<RedisFuture<List<Object>>> sourceDigests = new ArrayList<>();
        for (int i = 0; i < restores; i++) sourceDigests.add(digestValue(source.binaryAsync(), restoreKey(i)));
        for (int i = 0; i < restores; i++) {
            long expireAt = i % 3 == 0 ? ttlBase + i : 0;
            events.add(RedisEvent.restore("split-0", i, i % DBS, restoreKey(i), expireAt, payloads[i], null));
        }
        for (int i = 0; i < commands; i++) {
            byte[][] args = i % 5 == 0
                    ? new byte[][] {b("SET"), binaryKey(i), allBytes(i), b("PXAT"), b(Long.toString(ttlBase + i))}
                    : new byte[][] {b("SET"), binaryKey(i), allBytes(i)};
            events.add(RedisEvent.command("split-0", restores + i, (i / 7) % DBS, binaryKey(i), args));
        }
        target.sync().flushall();

        TestWriterContext ctx = new TestWriterContext();
        try (RedisSinkWriter writer = new RedisSinkWriter(config(target), ctx)) {
            for (RedisEvent e : events) writer.write(e, null);
            writer.flush(true);
            assertEquals(0, writer.inFlight());
        }

        RedisAsyncCommands<byte[], byte[]> async = target.binaryAsync();
        long total = 0;
        for (int db = 0; db < DBS; db++) {
            async.select(db).get(10, TimeUnit.SECONDS);
            total += async.dbsize().get(10, TimeUnit.SECONDS);
            List<RedisFuture<byte[]>> values = new ArrayList<>();
            List<RedisFuture<List<Object>>> digests = new ArrayList<>();
            List<RedisFuture<Long>> expiries = new ArrayList<>();
            List<RedisEvent> inDb = new ArrayList<>();
            for (RedisEvent e : events) {
                if (e.db() != db) continue;
                inDb.add(e);
                if (e.kind() == RedisEvent.Kind.RESTORE) digests.add(digestValue(async, e.key()));
                else values.add(async.get(e.key()));
                expiries.add(async.pexpiretime(e.key()));
            }
            int restored = 0;
            int set = 0;
            for (int i = 0; i < inDb.size(); i++) {
                RedisEvent e = inDb.get(i);
                long expireAt = expiries.get(i).get(10, TimeUnit.SECONDS);
                if (e.kind() == RedisEvent.Kind.RESTORE) {
                    // DUMP bytes of a hash table can differ after RESTORE (element order), so compare value digests
                    String expected = text(sourceDigests.get((int) e.offset()).get(10, TimeUnit.SECONDS));
                    assertEquals(expected, text(digests.get(restored++).get(10, TimeUnit.SECONDS)), "value of " + e);
                    assertEquals(e.expireAtMs() == 0 ? -1 : e.expireAtMs(), expireAt, "expiry of " + e);
                } else {
                    assertArrayEquals(e.args()[2], values.get(set++).get(10, TimeUnit.SECONDS), "value of " + e);
                    assertEquals(e.args().length == 5 ? Long.parseLong(new String(e.args()[4])) : -1, expireAt, "expiry of " + e);
                }
            }
        }
        async.select(0).get(10, TimeUnit.SECONDS);
        assertEquals(restores + commands, total, "keys on the target");
        assertEquals(restores + commands, ctx.counter("numRecordsSend"));
        assertTrue(ctx.counter("commandsWritten") > restores + commands, "SELECTs are counted too");
        assertEquals(ctx.counter("bytesWritten"), ctx.counter("numBytesSend"));
        assertTrue(ctx.counter("bytesWritten") > (long) commands * 256);
        assertEquals(0, ctx.gauge("inFlight"));
    }

    /** DEBUG DIGEST-VALUE: a digest of the key's value that does not depend on its encoding or element order. */
    private static RedisFuture<List<Object>> digestValue(RedisAsyncCommands<byte[], byte[]> async, byte[] key) {
        return async.dispatch(CommandType.DEBUG, new NestedMultiOutput<>(ByteArrayCodec.INSTANCE),
                new CommandArgs<>(ByteArrayCodec.INSTANCE).add("DIGEST-VALUE").addKey(key));
    }

    private static String text(List<Object> reply) {
        StringBuilder sb = new StringBuilder();
        for (Object o : reply) sb.append(o instanceof byte[] ? new String((byte[]) o, StandardCharsets.UTF_8) : o).append(' ');
        return sb.toString();
    }

    private static byte[] restoreKey(int i) {
        byte[] k = binaryKey(i);
        k[3] = 'R'; // distinct from the SET keys
        return k;
    }

    /** Creates keys of several types on the source server and returns their DUMP payloads. */
    private static byte[][] dumpPayloads(int n) throws Exception {
        RedisAsyncCommands<byte[], byte[]> async = source.binaryAsync();
        async.flushall().get(30, TimeUnit.SECONDS);
        List<RedisFuture<?>> writes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] k = restoreKey(i);
            switch (i % 5) {
                case 0: writes.add(async.hset(k, allBytes(i), allBytes(i + 1))); break;
                case 1: writes.add(async.rpush(k, allBytes(i), b("x"), allBytes(i + 2))); break;
                case 2: writes.add(async.sadd(k, allBytes(i), b("12345"))); break;
                case 3: writes.add(async.zadd(k, i, allBytes(i))); break;
                default: writes.add(async.set(k, allBytes(i))); break;
            }
        }
        for (RedisFuture<?> f : writes) f.get(30, TimeUnit.SECONDS);
        List<RedisFuture<byte[]>> dumps = new ArrayList<>();
        for (int i = 0; i < n; i++) dumps.add(async.dump(restoreKey(i)));
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) out[i] = assertNotNullReturn(dumps.get(i).get(30, TimeUnit.SECONDS));
        return out;
    }

    private static byte[] assertNotNullReturn(byte[] b) {
        assertNotNull(b);
        return b;
    }

    @Test
    void errorReplyFailsWithOneLineNamingKeyDbAndErrorAfterApplyingEarlierCommands() throws Exception {
        target.sync().flushall();
        byte[] badKey = {'b', 'a', 'd', 0, 'k'};
        TestWriterContext ctx = new TestWriterContext();
        try (RedisSinkWriter writer = new RedisSinkWriter(config(target), ctx)) {
            writer.write(cmd(0, "good:1", "SET", "good:1", "v1"), null);
            writer.write(cmd(2, "good:2", "SET", "good:2", "v2"), null);
            writer.write(RedisEvent.restore("split-0", 3, 2, badKey, 0, b("not a dump payload"), null), null);
            writer.write(cmd(2, "good:2", "LPUSH", "good:2", "x"), null); // a second error: WRONGTYPE
            RedisWriteException e = assertThrows(RedisWriteException.class, () -> writer.flush(false));
            String m = e.getMessage();
            assertTrue(m.startsWith("target 127.0.0.1:" + target.port() + ": RESTORE of key 'bad\\x00k' (db 2) failed: ERR "), m);
            assertTrue(m.contains("DUMP payload version or checksum are wrong"), m);
            assertFalse(m.contains("\n"), m);
            assertTrue(e.redisError().startsWith("ERR "), e.redisError());

            // after an error nothing more is sent
            IOException again = assertThrows(IOException.class, () -> writer.write(cmd(0, "late", "SET", "late", "1"), null));
            assertTrue(again.getMessage().contains("bad\\x00k"), again.getMessage());
        }
        target.sync().select(0);
        assertEquals("v1", target.sync().get("good:1"));
        assertEquals(0L, target.sync().exists("late"));
        target.sync().select(2);
        assertEquals("v2", target.sync().get("good:2"));
        target.sync().select(0);
    }

    @Test
    void wrongTypeCommandIsReported() throws Exception {
        target.sync().flushall();
        try (RedisSinkWriter writer = new RedisSinkWriter(config(target), new TestWriterContext())) {
            writer.write(cmd(1, "s", "SET", "s", "v"), null);
            writer.write(cmd(1, "s", "HSET", "s", "f", "v"), null);
            RedisWriteException e = assertThrows(RedisWriteException.class, () -> writer.flush(true));
            assertEquals("target 127.0.0.1:" + target.port() + ": HSET of key 's' (db 1) failed: "
                    + "WRONGTYPE Operation against a key holding the wrong kind of value", e.getMessage());
        }
    }

    @Test
    void moduleValueTheTargetCannotLoadNamesTheModule() throws Exception {
        try (RedisSinkWriter writer = new RedisSinkWriter(config(target), new TestWriterContext())) {
            writer.write(RedisEvent.restore("split-0", 1, 0, b("doc:1"), 0, b("\u0007module-bytes"), "ReJSON-RL"), null);
            RedisWriteException e = assertThrows(RedisWriteException.class, () -> writer.flush(true));
            assertTrue(e.getMessage().endsWith("destination has no module for type ReJSON-RL of key 'doc:1'; "
                    + "load the module on the destination"), e.getMessage());
        }
    }

    @Test
    void selectOfMissingDbNamesTheFix() throws Exception {
        try (RedisSinkWriter writer = new RedisSinkWriter(config(target), new TestWriterContext())) {
            writer.write(cmd(40, "k", "SET", "k", "v"), null);
            RedisWriteException e = assertThrows(RedisWriteException.class, () -> writer.flush(true));
            assertTrue(e.getMessage().startsWith("target 127.0.0.1:" + target.port() + ": SELECT 40 (before SET of key 'k') failed: ERR"), e.getMessage());
            assertTrue(e.getMessage().contains("raise 'databases'"), e.getMessage());
        }
    }

    @Test
    void outOfMemoryTargetMentionsMaxmemory() throws Exception {
        try (RedisServer small = RedisServer.start("--maxmemory", "1mb", "--maxmemory-policy", "noeviction");
             RedisSinkWriter writer = new RedisSinkWriter(config(small), new TestWriterContext())) {
            byte[] value = new byte[10_000];
            RedisWriteException e = assertThrows(RedisWriteException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    writer.write(RedisEvent.command("split-0", i, 0, b("big:" + i),
                            new byte[][] {b("SET"), b("big:" + i), value}), null);
                }
                writer.flush(true);
            });
            assertTrue(e.getMessage().contains("failed: OOM "), e.getMessage());
            assertTrue(e.getMessage().endsWith("destination is out of memory (maxmemory); raise maxmemory or free space, then resume"),
                    e.getMessage());
        }
    }

    @Test
    void missingPermissionIsNamed() throws Exception {
        try (RedisServer acl = RedisServer.start()) {
            acl.call("ACL", "SETUSER", "writer", "on", ">pw-for-test", "~*", "+@all", "-restore");
            RedisSinkConfig c = RedisSinkConfig.of(RedisEndpoint.parse(acl.uri("writer", "pw-for-test")));
            try (RedisSinkWriter writer = new RedisSinkWriter(c, new TestWriterContext())) {
                writer.write(RedisEvent.restore("split-0", 1, 0, b("k"), 0, b("x"), null), null);
                RedisWriteException e = assertThrows(RedisWriteException.class, () -> writer.flush(true));
                assertTrue(e.getMessage().contains("failed: NOPERM"), e.getMessage());
                assertTrue(e.getMessage().contains("lacks permission for RESTORE"), e.getMessage());
                assertFalse(e.getMessage().contains("pw-for-test"), e.getMessage());
            }
        }
    }

    @Test
    void wrongPasswordIsAnAccessErrorWithoutThePassword() throws Exception {
        try (RedisServer secured = RedisServer.start("--requirepass", "right-secret-77")) {
            RedisSinkConfig c = RedisSinkConfig.of(RedisEndpoint.parse(secured.uri(null, "wrong-secret-42")));
            RedisAccessException e = assertThrows(RedisAccessException.class,
                    () -> new RedisSink(c).createWriter(new TestWriterContext()));
            assertTrue(e.getMessage().startsWith("target 127.0.0.1:" + secured.port() + " refused the password"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong-secret-42"), e.getMessage());
            assertFalse(e.getMessage().contains("right-secret-77"), e.getMessage());
            assertFalse(c.toString().contains("wrong-secret-42"), c.toString());
        }
    }

    @Test
    void lostConnectionFailsNamingTheTarget() throws Exception {
        RedisServer doomed = RedisServer.start();
        try (RedisSinkWriter writer = new RedisSinkWriter(config(doomed), new TestWriterContext())) {
            writer.write(cmd(0, "a", "SET", "a", "1"), null);
            writer.flush(false);
            assertEquals("1", doomed.sync().get("a"));
            doomed.close();
            IOException e = assertThrows(IOException.class, () -> {
                for (int i = 0; i < 100_000; i++) writer.write(cmd(0, "b" + i, "SET", "b" + i, "1"), null);
                writer.flush(false);
            });
            assertFalse(e instanceof RedisWriteException, e.toString());
            assertTrue(e.getMessage().startsWith("target 127.0.0.1:" + doomed.port() + ": connection lost"), e.getMessage());
        } finally {
            doomed.close();
        }
    }

    @Test
    void smallInFlightBoundsBlockWritesButLoseNothing() throws Exception {
        target.sync().flushall();
        RedisSinkConfig c = config(target).withMaxInFlight(8).withMaxInFlightBytes(4096);
        byte[] big = new byte[1 << 20]; // bigger than the byte bound: still goes, alone
        new Random(7).nextBytes(big);
        try (RedisSinkWriter writer = new RedisSinkWriter(c, new TestWriterContext())) {
            for (int i = 0; i < 20_000; i++) {
                writer.write(RedisEvent.command("split-0", i, i % 2, b("k" + i),
                        new byte[][] {b("RPUSH"), b("list"), b(Integer.toString(i))}), null);
                assertTrue(writer.inFlight() <= 8, "in flight: " + writer.inFlight());
            }
            writer.write(RedisEvent.command("split-0", 0, 0, b("big"), new byte[][] {b("SET"), b("big"), big}), null);
            writer.flush(true);
        }
        RedisCommands<byte[], byte[]> sync = target.binary();
        assertArrayEquals(big, sync.get(b("big")));
        for (int db = 0; db < 2; db++) {
            sync.select(db);
            List<byte[]> list = sync.lrange(b("list"), 0, -1);
            assertEquals(10_000, list.size());
            for (int j = 0; j < list.size(); j++) assertEquals(Integer.toString(j * 2 + db), new String(list.get(j)));
        }
        sync.select(0);
    }

    @Test
    void idleWriterSendsBufferedCommandsOnItsTimer() throws Exception {
        target.sync().flushall();
        TestWriterContext ctx = new TestWriterContext();
        try (RedisSinkWriter writer = new RedisSinkWriter(config(target).withFlushIntervalMs(5), ctx)) {
            writer.write(cmd(0, "idle", "SET", "idle", "1"), null);
            Thread.sleep(200);
            assertEquals(0L, target.sync().exists("idle"), "a small command waits in the buffer");
            assertEquals(1, ctx.pendingTimers());
            ctx.fireTimers();
            long deadline = System.currentTimeMillis() + 5000;
            while (target.sync().exists("idle") == 0 && System.currentTimeMillis() < deadline) Thread.sleep(5);
            assertEquals("1", target.sync().get("idle"));
            writer.flush(false);
        }
    }

    @Test
    void relativeTtlForOldTargetsAndExpiredKeysSkipped() throws Exception {
        target.sync().flushall();
        source.binary().set(b("plain"), b("value"));
        byte[] payload = source.binary().dump(b("plain"));
        long now = System.currentTimeMillis();
        TestWriterContext ctx = new TestWriterContext();
        try (RedisSinkWriter writer = new RedisSinkWriter(config(target).withUseAbsTtl(false), ctx)) {
            writer.write(RedisEvent.restore("split-0", 1, 0, b("future"), now + 100_000, payload, null), null);
            writer.write(RedisEvent.restore("split-0", 2, 0, b("past"), now - 1000, payload, null), null);
            writer.write(RedisEvent.restore("split-0", 3, 0, b("forever"), 0, payload, null), null);
            writer.flush(true);
        }
        long pttl = target.sync().pttl("future");
        assertTrue(pttl > 90_000 && pttl <= 100_000, "pttl " + pttl);
        assertEquals(0L, target.sync().exists("past"));
        assertEquals(-1L, target.sync().pttl("forever"));
        assertEquals("value", target.sync().get("forever"));
        assertEquals(1, ctx.counter("expiredKeysSkipped"));
        assertEquals(2, ctx.counter("numRecordsSend"));
    }

    @Test
    void selectIsSentOnlyWhenTheDbChanges() throws Exception {
        TestWriterContext ctx = new TestWriterContext();
        try (RedisSinkWriter writer = new RedisSinkWriter(config(target), ctx)) {
            for (int db : new int[] {0, 0, 3, 3, 3, 0, 5}) writer.write(cmd(db, "x", "SET", "x", "1"), null);
            writer.flush(true);
        }
        assertEquals(7 + 3, ctx.counter("commandsWritten"));
    }
}
