package io.redismigrate.connector.source;

import io.redismigrate.connector.event.Slots;
import io.redismigrate.connector.resp.ClusterTopology;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.source.enumerator.RedisSourceEnumerator;
import io.redismigrate.connector.source.split.RedisSplit;
import io.redismigrate.connector.source.split.RedisSplitSerializer;
import io.redismigrate.connector.source.split.SplitPhase;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cluster shard splits: ids, serialization (and version 1 state), assignment order, heartbeat keys. */
class ClusterSplitTest {
    private static final RedisEndpoint NODE = RedisEndpoint.parse("redis://u:secret@127.0.0.1:7001");

    @Test
    void shardSplitIdIsItsFirstSlotRange() {
        assertEquals("slots-0-5460", RedisSplit.shard(NODE, "0-5460").splitId());
        assertEquals("slots-5461-5461", RedisSplit.shard(NODE, "5461,6000-6100").splitId());
        assertEquals("127.0.0.1:7001", RedisSplit.initial(NODE).splitId());
        assertEquals(5461, RedisSplit.shard(NODE, "5461,6000-6100").firstSlot());
    }

    @Test
    void serializerRoundTripAndReadsVersion1() throws Exception {
        RedisSplitSerializer ser = new RedisSplitSerializer();
        RedisEndpoint bare = new RedisEndpoint(NODE.host(), NODE.port(), null, null, NODE.tls());
        RedisSplit s = new RedisSplit(NODE, "abc", 42, SplitPhase.STREAM, 0, "0-5460,5470");
        assertEquals(new RedisSplit(bare, "abc", 42, SplitPhase.STREAM, 0, "0-5460,5470"),
                ser.deserialize(ser.getVersion(), ser.serialize(s)));
        RedisSplit standalone = new RedisSplit(NODE, "abc", 42, SplitPhase.STREAM, 3);
        assertEquals(new RedisSplit(bare, "abc", 42, SplitPhase.STREAM, 3),
                ser.deserialize(ser.getVersion(), ser.serialize(standalone)));

        // version 1 (before cluster sources): the same fields without the slots
        DataOutputSerializer v1 = new DataOutputSerializer(64);
        v1.writeUTF("127.0.0.1");
        v1.writeInt(7001);
        v1.writeBoolean(false);
        v1.writeBoolean(false);
        v1.writeBoolean(false);
        v1.writeUTF("replid");
        v1.writeLong(99);
        v1.writeByte(SplitPhase.STREAM.ordinal());
        v1.writeInt(2);
        RedisSplit old = ser.deserialize(1, v1.getCopyOfBuffer());
        assertEquals("127.0.0.1:7001", old.splitId());
        assertNull(old.slots());
        assertEquals(99, old.offset());
        assertEquals(2, old.db());
    }

    @Test
    void credentialsNeverEnterTheSplitStateAndOldStatesLoseThem() throws Exception {
        RedisSplitSerializer ser = new RedisSplitSerializer();
        RedisEndpoint withSecret = new RedisEndpoint("127.0.0.1", 7001, "alice", "s3cr/t-pw", false);
        byte[] bytes = ser.serialize(new RedisSplit(withSecret, "abc", 42, SplitPhase.STREAM, 0, "0-5460"));
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("s3cr/t-pw") || text.contains("alice"), "credentials in the split state");

        // version 2 wrote user and password: read, they are dropped (the current options supply them)
        DataOutputSerializer v2 = new DataOutputSerializer(64);
        v2.writeUTF("127.0.0.1");
        v2.writeInt(7001);
        v2.writeBoolean(true);
        v2.writeUTF("alice");
        v2.writeBoolean(true);
        v2.writeUTF("old-password");
        v2.writeBoolean(false);
        v2.writeUTF("replid");
        v2.writeLong(99);
        v2.writeByte(SplitPhase.STREAM.ordinal());
        v2.writeInt(0);
        v2.writeBoolean(true);
        v2.writeUTF("0-5460");
        RedisSplit old = ser.deserialize(2, v2.getCopyOfBuffer());
        assertNull(old.node().password());
        assertNull(old.node().user());
        assertEquals("slots-0-5460", old.splitId());
        assertEquals(99, old.offset());
    }

    @Test
    void theReaderConnectsWithTheCurrentOptionsCredentials() {
        RedisEndpoint now = new RedisEndpoint("127.0.0.1", 7001, null, "rotated", false);
        RedisSourceConfig standalone = new RedisSourceConfig(java.util.List.of(now), SyncMode.FULL_INCREMENTAL,
                io.redismigrate.connector.rdb.RdbParserConfig.defaults(),
                io.redismigrate.connector.replication.ReplicationConfig.defaults(), 1 << 20, null, false);
        RedisSplit restored = new RedisSplit(new RedisEndpoint("127.0.0.1", 7001, null, null, false), "abc", 42,
                SplitPhase.STREAM, 0);
        assertEquals("rotated", standalone.endpointFor(restored).password());
        // a moved host: the one node the options name, the split keeps its id (its fences are keyed by it)
        RedisSplit moved = new RedisSplit(new RedisEndpoint("10.0.0.9", 6379, null, null, false), "abc", 42,
                SplitPhase.STREAM, 0);
        assertEquals(now, standalone.endpointFor(moved));
        assertEquals("10.0.0.9:6379", moved.splitId());
    }

    @Test
    void shardsAreSpreadRoundRobinByFirstSlot() {
        List<RedisSplit> splits = new ArrayList<>();
        for (String slots : new String[] {"10922-16383", "0-5460", "5461-10921"}) splits.add(RedisSplit.shard(NODE, slots));
        RedisSourceEnumerator e = new RedisSourceEnumerator(null, splits, false);
        int[] readers = new int[3];
        for (RedisSplit s : splits) readers[s.firstSlot() / 5461] = readerOfAt(e, s, 2);
        assertEquals(0, readers[0]);
        assertEquals(1, readers[1]);
        assertEquals(0, readers[2]);
        for (RedisSplit s : splits) assertEquals(s.firstSlot() / 5461, readerOfAt(e, s, 3), s.splitId());
    }

    private static int readerOfAt(RedisSourceEnumerator e, RedisSplit s, int parallelism) {
        try {
            var m = RedisSourceEnumerator.class.getDeclaredMethod("readerOf", RedisSplit.class, int.class);
            m.setAccessible(true);
            return (int) m.invoke(e, s, parallelism);
        } catch (ReflectiveOperationException ex) {
            throw new AssertionError(ex);
        }
    }

    @Test
    void heartbeatKeyLandsOnItsShard() throws Exception {
        var key = Class.forName("io.redismigrate.connector.source.reader.Heartbeat")
                .getDeclaredMethod("key", String.class, RedisSplit.class);
        key.setAccessible(true);
        for (String slots : new String[] {"0-5460", "5461-10921", "10922-16383", "7", "100-100,9000-9001"}) {
            String k = (String) key.invoke(null, "__redis_migrate:heartbeat", RedisSplit.shard(NODE, slots));
            int slot = Slots.slot(k.getBytes(StandardCharsets.UTF_8));
            boolean owned = false;
            for (int[] r : ClusterTopology.parseRanges(slots)) owned |= slot >= r[0] && slot <= r[1];
            assertTrue(owned, k + " hashes to slot " + slot + ", not in " + slots);
            assertTrue(k.startsWith("__redis_migrate:heartbeat:{"), k);
        }
        assertEquals("__redis_migrate:heartbeat:127.0.0.1:7001", key.invoke(null, "__redis_migrate:heartbeat", RedisSplit.initial(NODE)));
    }
}
