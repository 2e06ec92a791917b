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
        RedisSplit s = new RedisSplit(NODE, "abc", 42, SplitPhase.STREAM, 0, "0-5460,5470");
        assertEquals(s, ser.deserialize(ser.getVersion(), ser.serialize(s)));
        RedisSplit standalone = new RedisSplit(NODE, "abc", 42, SplitPhase.STREAM, 3);
        assertEquals(standalone, ser.deserialize(ser.getVersion(), ser.serialize(standalone)));

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
