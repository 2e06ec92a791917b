package io.redismigrate.connector.sink;

import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestCluster;
import io.redismigrate.connector.testutils.TestWriterContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ClusterSinkWriter against a real 3-master cluster: routing, fences, replay, resharding under load. */
class ClusterSinkWriterTest {
    static TestCluster cluster;
    static final String SPLIT = "127.0.0.1:1";

    @BeforeAll
    static void start() throws Exception {
        cluster = TestCluster.start(3);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    @BeforeEach
    void flush() {
        for (RedisServer m : cluster.masters()) m.sync().flushall();
    }

    static RedisSinkConfig config() {
        RedisEndpoint target = RedisEndpoint.parse(cluster.uri());
        return RedisSinkConfig.of(target).withCluster(List.of(target), List.of());
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static RedisEvent incr(long offset, String key) {
        return RedisEvent.streamCommand(SPLIT, offset, 0, b(key), new byte[][] {b("INCR"), b(key)});
    }

    static RedisEvent rpush(long offset, String key, String v) {
        return RedisEvent.streamCommand(SPLIT, offset, 0, b(key), new byte[][] {b("RPUSH"), b(key), b(v)});
    }

    static RedisServer nextMaster(RedisServer m) {
        return cluster.masters().get((cluster.masters().indexOf(m) + 1) % cluster.masters().size());
    }

    static String get(String key) {
        return cluster.owner(TestCluster.slot(key)).sync().get(key);
    }

    @Test
    void routesBySlotAndFencesMakeReplayExactlyOnce() throws Exception {
        List<RedisEvent> events = new ArrayList<>();
        long offset = 100;
        for (int round = 0; round < 5; round++) {
            for (int k = 0; k < 200; k++) events.add(incr(offset++, "counter:" + k));
        }
        TestWriterContext ctx = new TestWriterContext();
        try (ClusterSinkWriter w = new ClusterSinkWriter(config(), ctx)) {
            for (RedisEvent e : events) w.write(e, null);
            w.flush(false);
        }
        for (int k = 0; k < 200; k++) assertEquals("5", get("counter:" + k), "counter:" + k);
        // every master got some keys: routing really spread the slots
        for (RedisServer m : cluster.masters()) assertTrue(m.sync().dbsize() > 0);

        // a restarted writer replays everything: the fences skip all of it
        TestWriterContext ctx2 = new TestWriterContext();
        try (ClusterSinkWriter w = new ClusterSinkWriter(config(), ctx2)) {
            for (RedisEvent e : events) w.write(e, null);
            w.write(incr(offset, "counter:0"), null);
            w.flush(false);
        }
        assertEquals(events.size(), ctx2.counter("replayedCommandsSkipped"));
        assertEquals("6", get("counter:0"));
        for (int k = 1; k < 200; k++) assertEquals("5", get("counter:" + k), "counter:" + k);
    }

    @Test
    void reshardingUnderWriteLoadKeepsOrderAndLosesNothing() throws Exception {
        // keys of one hash tag: one slot, many keys, so the migration takes a while and writes land mid-way
        String tag = "{hot}";
        int slot = TestCluster.slot(tag);
        RedisServer from = cluster.owner(slot);
        RedisServer to = nextMaster(from);
        int keys = 300;
        TestWriterContext ctx = new TestWriterContext();
        AtomicReference<Throwable> moveFailed = new AtomicReference<>();
        long offset = 1000;
        try (ClusterSinkWriter w = new ClusterSinkWriter(config(), ctx)) {
            // existing keys first, so MIGRATE has something to move
            for (int k = 0; k < keys; k++) w.write(rpush(offset++, tag + "list:" + k, "0"), null);
            w.flush(false);
            Thread mover = new Thread(() -> {
                try {
                    cluster.moveSlot(slot, to, 5, 15);
                } catch (Throwable t) {
                    moveFailed.set(t);
                }
            });
            mover.start();
            int round = 1;
            while (mover.isAlive() || round < 5) {
                for (int k = 0; k < keys; k++) {
                    w.write(rpush(offset++, tag + "list:" + k, String.valueOf(round)), null);
                    w.write(incr(offset++, tag + "n:" + k), null);
                }
                ctx.fireTimers();
                round++;
            }
            mover.join();
            w.flush(false);
            assertNull(moveFailed.get());
            assertTrue(ctx.counter("clusterRedirects") > 0, "the move must have redirected some writes");
            for (int k = 0; k < keys; k++) {
                List<String> want = new ArrayList<>();
                for (int r = 0; r < round; r++) want.add(String.valueOf(r));
                assertEquals(want, to.sync().lrange(tag + "list:" + k, 0, -1), "list " + k);
                assertEquals(String.valueOf(round - 1), to.sync().get(tag + "n:" + k), "counter " + k);
            }
            assertEquals(0, from.sync().dbsize() == 0 ? 0 : countTagged(from, tag));
        }
    }

    @Test
    void snapshotKeysRedirectedByReshardingStayBeforeTheirStreamWrites() throws Exception {
        // RESTOREs share per-node loose units; when their slot moves (ASK while it is MIGRATING, MOVED after), the
        // redirected RESTOREs must still be applied before the stream commands of the same keys that follow them
        String tag = "{loose}";
        int slot = TestCluster.slot(tag);
        RedisServer from = cluster.owner(slot);
        RedisServer to = nextMaster(from);
        from.sync().rpush(tag + "tmp", "0");
        byte[] payload = from.binary().dump(b(tag + "tmp"));
        from.sync().del(tag + "tmp");
        TestWriterContext ctx = new TestWriterContext();
        String s = String.valueOf(slot);
        AtomicReference<Throwable> moveFailed = new AtomicReference<>();
        try (ClusterSinkWriter w = new ClusterSinkWriter(config(), ctx)) {
            // round 0: the slot is MIGRATING and the keys are new → every RESTORE is answered ASK; the migration
            // finishes a moment later (the stream's MULTI gets TRYAGAIN until then)
            to.call("CLUSTER", "SETSLOT", s, "IMPORTING", cluster.id(from));
            from.call("CLUSTER", "SETSLOT", s, "MIGRATING", cluster.id(to));
            long offset = writeRound(w, tag, 0, payload, 1);
            Thread finisher = new Thread(() -> {
                try {
                    Thread.sleep(300);
                    cluster.moveSlot(slot, to, 100, 0);
                } catch (Throwable t) {
                    moveFailed.set(t);
                }
            });
            finisher.start();
            w.flush(false);
            finisher.join();
            long asked = ctx.counter("clusterRedirects");
            assertTrue(asked >= 50, "every RESTORE of round 0 must have been redirected, got " + asked);
            // round 1: the slot moves back, the writer's map is stale → every RESTORE is answered MOVED
            cluster.moveSlot(slot, from, 100, 0);
            writeRound(w, tag, 1, payload, offset);
            w.flush(false);
            assertTrue(ctx.counter("clusterRedirects") >= asked + 50, "every RESTORE of round 1 must have been redirected");
        }
        assertNull(moveFailed.get());
        for (int r = 0; r < 2; r++) {
            for (int i = 0; i < 50; i++) {
                assertEquals(List.of("0", "1"), from.sync().lrange(tag + "snap:" + r + ":" + i, 0, -1), "round " + r + " key " + i);
            }
        }
        assertEquals(0, countTagged(to, tag));
    }

    /** 50 RESTOREs (a list ["0"]) of new keys, then an RPUSH "1" to each in the stream; returns the next offset. */
    private static long writeRound(ClusterSinkWriter w, String tag, int round, byte[] payload, long offset) throws Exception {
        for (int i = 0; i < 50; i++) {
            w.write(RedisEvent.restore(SPLIT, 0, 0, b(tag + "snap:" + round + ":" + i), 0, payload, "list"), null);
        }
        for (int i = 0; i < 50; i++) w.write(rpush(offset++, tag + "snap:" + round + ":" + i, "1"), null);
        return offset;
    }

    @Test
    void bigValuesAreHeldUpToTheByteBoundOnly() throws Exception {
        // 40 stream writes of 1 MiB into one slot while its node answers late: they would all wait in the slot's
        // queue; with a 4 MiB bound write() waits for replies instead
        RedisServer node = cluster.owner(TestCluster.slot("{big}"));
        byte[] value = new byte[1 << 20];
        java.util.Arrays.fill(value, (byte) 'x');
        long bound = 4L << 20;
        long maxHeld = 0;
        try (ClusterSinkWriter w = new ClusterSinkWriter(config().withMaxInFlightBytes(bound), new TestWriterContext())) {
            node.call("CLIENT", "PAUSE", "500", "WRITE");
            for (int i = 0; i < 40; i++) {
                byte[] key = b("{big}" + i);
                w.write(RedisEvent.streamCommand(SPLIT, 1 + i, 0, key, new byte[][] {b("SET"), key, value}), null);
                maxHeld = Math.max(maxHeld, w.heldBytes());
            }
            w.flush(false);
            assertEquals(0, w.heldBytes(), "everything answered is released");
        }
        assertTrue(maxHeld <= bound + value.length + 64, "held " + maxHeld + " bytes, bound " + bound);
        for (int i = 0; i < 40; i += 13) assertEquals(1 << 20, get("{big}" + i).length());
    }

    @Test
    void flushallOfOneSourceShardEmptiesOnlyThatShardsSlots() throws Exception {
        // a cluster source of two shards: a FLUSHALL replicated from shard A must leave shard B's keys alone
        String a = "slots-0-8191";
        String b = "slots-8192-16383";
        RedisSinkConfig config = config().withShardSlots(java.util.Map.of(a, "0-8191", b, "8192-16383"));
        List<String> keysOfA = new ArrayList<>();
        List<String> keysOfB = new ArrayList<>();
        for (int k = 0; keysOfA.size() < 50 || keysOfB.size() < 50; k++) {
            String key = "k:" + k;
            (TestCluster.slot(key) < 8192 ? keysOfA : keysOfB).add(key);
        }
        try (ClusterSinkWriter w = new ClusterSinkWriter(config, new TestWriterContext())) {
            long offset = 10;
            for (String key : keysOfA) w.write(RedisEvent.streamCommand(a, offset++, 0, b(key), new byte[][] {b("INCR"), b(key)}), null);
            for (String key : keysOfB) w.write(RedisEvent.streamCommand(b, offset++, 0, b(key), new byte[][] {b("INCR"), b(key)}), null);
            w.write(RedisEvent.streamCommand(a, offset++, 0, null, new byte[][] {b("FLUSHALL")}), null);
            w.flush(false);
        }
        for (String key : keysOfA) assertNull(get(key), key + " (shard A) must be gone");
        for (String key : keysOfB) assertEquals("1", get(key), key + " (shard B) must stay");
    }

    // ------------------------------------------------------------------ keyless stream commands

    static final String LIB_V1 = "#!lua name=kl\nredis.register_function('kl_f', function() return 1 end)";
    static final String LIB_V2 = "#!lua name=kl\nredis.register_function('kl_f', function() return 2 end)";

    static RedisEvent keyless(long offset, String... args) {
        byte[][] a = new byte[args.length][];
        for (int i = 0; i < args.length; i++) a[i] = b(args[i]);
        return RedisEvent.streamCommand(SPLIT, offset, 0, null, a);
    }

    static List<Object> libraries(RedisServer m) {
        List<Object> libs = new ArrayList<>(m.call("FUNCTION", "LIST", "WITHCODE"));
        libs.sort(java.util.Comparator.comparing(Object::toString));
        return libs;
    }

    static void assertLibrariesEverywhere(List<Object> want) {
        for (RedisServer m : cluster.masters()) assertEquals(want, libraries(m), "libraries of master " + m.port());
    }

    /** A subscriber on {@code node}; SSUBSCRIBE when {@code shard}. Returns the messages it receives. */
    static List<String> subscribe(RedisServer node, String channel, boolean shard, List<AutoCloseable> close) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(
                io.lettuce.core.RedisURI.create("127.0.0.1", node.port()));
        io.lettuce.core.pubsub.StatefulRedisPubSubConnection<String, String> c = client.connectPubSub();
        List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        c.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String message) {
                got.add(message);
            }

            @Override
            public void smessage(String ch, String message) {
                got.add(message);
            }
        });
        if (shard) c.sync().ssubscribe(channel);
        else c.sync().subscribe(channel);
        close.add(c);
        close.add(client::shutdown);
        return got;
    }

    static void closeAll(List<AutoCloseable> close) throws Exception {
        for (AutoCloseable c : close) c.close();
    }

    static void awaitSize(List<String> got, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (got.size() < n && System.currentTimeMillis() < deadline) Thread.sleep(10);
        settle();
    }

    /** Time for a message published (wrongly) just now to arrive: a duplicate would show up meanwhile. */
    static void settle() throws InterruptedException {
        Thread.sleep(300);
    }

    @BeforeEach
    void flushFunctions() {
        for (RedisServer m : cluster.masters()) m.call("FUNCTION", "FLUSH");
    }

    @Test
    void replayedKeylessEventAtOrBelowSlot0FenceIsSkipped() throws Exception {
        List<AutoCloseable> close = new ArrayList<>();
        try {
            List<String> got = subscribe(nextMaster(cluster.owner(0)), "news", false, close);
            List<RedisEvent> events = List.of(keyless(100, "FUNCTION", "LOAD", LIB_V1), keyless(101, "PUBLISH", "news", "m1"),
                    incr(102, "counter:a"));
            try (ClusterSinkWriter w = new ClusterSinkWriter(config(), new TestWriterContext())) {
                for (RedisEvent e : events) w.write(e, null);
                w.flush(false);
            }
            // keyless events are fenced with slot 0, on slot 0's owner
            assertEquals("101", cluster.owner(0).sync().get(new String(ClusterFences.fenceKey(0, SPLIT), StandardCharsets.UTF_8)));
            awaitSize(got, 1);
            assertEquals(List.of("m1"), got);
            List<Object> libs = libraries(cluster.owner(0));
            assertEquals(1, libs.size());
            assertLibrariesEverywhere(libs);

            TestWriterContext ctx = new TestWriterContext();
            try (ClusterSinkWriter w = new ClusterSinkWriter(config(), ctx)) {
                for (RedisEvent e : events) w.write(e, null);
                w.flush(false);
            }
            assertEquals(3, ctx.counter("replayedCommandsSkipped"));
            settle();
            assertEquals(List.of("m1"), got, "a replayed PUBLISH is not delivered again");
            assertEquals("1", get("counter:a"));
            assertLibrariesEverywhere(libs);
        } finally {
            closeAll(close);
        }
    }

    @Test
    void functionLoadReplayedFromAnOlderOffsetDoesNotFailAndEndsEqualEverywhere() throws Exception {
        List<RedisEvent> events = List.of(incr(98, "{06S}n"), incr(99, "counter:b"),
                keyless(100, "FUNCTION", "LOAD", LIB_V1), keyless(101, "FUNCTION", "DELETE", "kl"),
                keyless(102, "FUNCTION", "LOAD", LIB_V2), incr(103, "{06S}n"));
        try (ClusterSinkWriter w = new ClusterSinkWriter(config(), new TestWriterContext())) {
            for (RedisEvent e : events) w.write(e, null);
            w.flush(false);
        }
        List<Object> v2 = libraries(cluster.owner(0));
        assertTrue(v2.toString().contains("return 2"), v2.toString());
        assertLibrariesEverywhere(v2);

        // a new writer replays from an older offset: everything is at or below the fences
        TestWriterContext ctx = new TestWriterContext();
        try (ClusterSinkWriter w = new ClusterSinkWriter(config(), ctx)) {
            for (RedisEvent e : events) w.write(e, null);
            w.flush(false);
        }
        assertEquals(events.size(), ctx.counter("replayedCommandsSkipped"));
        assertLibrariesEverywhere(v2);
        assertEquals("2", get("{06S}n"));

        // a crash lost slot 0's units of 101 and 102 (the other masters got their side calls): slot 0's owner is
        // back at offset 100 (library v1, fence 100); the replay applies them once there and the others converge
        RedisServer home = cluster.owner(0);
        home.call("FUNCTION", "LOAD", "REPLACE", LIB_V1);
        home.sync().set(new String(ClusterFences.fenceKey(0, SPLIT), StandardCharsets.UTF_8), "100");
        home.sync().set("{06S}n", "1");
        ctx = new TestWriterContext();
        try (ClusterSinkWriter w = new ClusterSinkWriter(config(), ctx)) {
            for (RedisEvent e : events) w.write(e, null);
            w.flush(false);
        }
        assertEquals(3, ctx.counter("replayedCommandsSkipped")); // 98 and 100 (slot 0), 99 (counter:b)
        assertLibrariesEverywhere(v2);
        assertEquals("2", get("{06S}n"));
        assertEquals("1", get("counter:b"));
    }

    @Test
    void spublishGoesToTheChannelsSlotOwnerOnceAndKeylessTransactionsWork() throws Exception {
        String channel = "shard-news";
        int slot = TestCluster.slot(channel);
        assertTrue(cluster.owner(slot) != cluster.owner(0), "the channel must not live with slot 0");
        List<AutoCloseable> close = new ArrayList<>();
        try {
            List<String> shardGot = subscribe(cluster.owner(slot), channel, true, close);
            List<String> got = subscribe(nextMaster(cluster.owner(0)), "news", false, close);
            List<RedisEvent> events = new ArrayList<>();
            // as ClusterRouting emits it (keyed by the channel), and as the reader does (no key)
            events.add(RedisEvent.streamCommand(SPLIT, 200, 0, b(channel), new byte[][] {b("SPUBLISH"), b(channel), b("s1")}));
            events.add(keyless(201, "SPUBLISH", channel, "s2"));
            // a keyless MULTI/EXEC: only PUBLISH and FUNCTION inside
            events.add(RedisEvent.transaction(SPLIT, 202, 0, null, new byte[][][] {
                {b("PUBLISH"), b("news"), b("t1")}, {b("FUNCTION"), b("LOAD"), b(LIB_V1)}}));
            try (ClusterSinkWriter w = new ClusterSinkWriter(config(), new TestWriterContext())) {
                for (RedisEvent e : events) w.write(e, null);
                w.flush(false);
            }
            awaitSize(shardGot, 2);
            awaitSize(got, 1);
            assertEquals(List.of("s1", "s2"), shardGot);
            assertEquals(List.of("t1"), got);
            assertEquals("201", cluster.owner(slot).sync().get(new String(ClusterFences.fenceKey(slot, SPLIT), StandardCharsets.UTF_8)));
            List<Object> v1 = libraries(cluster.owner(0));
            assertEquals(1, v1.size());
            assertLibrariesEverywhere(v1);

            TestWriterContext ctx = new TestWriterContext();
            try (ClusterSinkWriter w = new ClusterSinkWriter(config(), ctx)) {
                for (RedisEvent e : events) w.write(e, null);
                w.flush(false);
            }
            assertEquals(3, ctx.counter("replayedCommandsSkipped"));
            settle();
            assertEquals(List.of("s1", "s2"), shardGot, "a replayed SPUBLISH is not delivered again");
            assertEquals(List.of("t1"), got);
            assertLibrariesEverywhere(v1);
        } finally {
            closeAll(close);
        }
    }

    private static long countTagged(RedisServer node, String tag) {
        return node.sync().keys(tag + "*").size();
    }
}
