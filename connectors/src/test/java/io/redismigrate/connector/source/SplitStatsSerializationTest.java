package io.redismigrate.connector.source;

import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.source.enumerator.RedisEnumState;
import io.redismigrate.connector.source.enumerator.RedisEnumStateSerializer;
import io.redismigrate.connector.source.split.RedisSplit;
import io.redismigrate.connector.source.split.RedisSplitSerializer;
import io.redismigrate.connector.source.split.RedisSplitState;
import io.redismigrate.connector.source.split.SplitPhase;
import io.redismigrate.connector.source.split.SplitStats;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The split's display counters survive a checkpoint, and checkpoints of earlier versions still restore. */
class SplitStatsSerializationTest {
    private static final RedisEndpoint NODE = new RedisEndpoint("127.0.0.1", 7001, null, null, false);

    @Test
    void statsRoundTrip() throws Exception {
        RedisSplit s = new RedisSplit(NODE, "abc", 1234, SplitPhase.STREAM, 3, "0-5460", new SplitStats(100, 2048, 77));
        RedisSplitSerializer ser = new RedisSplitSerializer();
        RedisSplit back = ser.deserialize(ser.getVersion(), ser.serialize(s));
        assertEquals(s, back);
        assertEquals(new SplitStats(100, 2048, 77), back.stats());
    }

    @Test
    void version3SplitsAndEnumStatesRestoreWithoutStats() throws Exception {
        DataOutputSerializer v3 = new DataOutputSerializer(64);
        writeV3(v3, 5);
        RedisSplit s = new RedisSplitSerializer().deserialize(3, v3.getCopyOfBuffer());
        assertEquals(1234, s.offset());
        assertEquals(5, s.db());
        assertEquals(SplitStats.NONE, s.stats());

        DataOutputSerializer e3 = new DataOutputSerializer(64);
        e3.writeInt(2);
        writeV3(e3, 1);
        writeV3(e3, 2);
        RedisEnumState state = new RedisEnumStateSerializer().deserialize(3, e3.getCopyOfBuffer());
        assertEquals(2, state.unassigned().size());
        assertEquals(2, state.unassigned().get(1).db());
        RedisEnumStateSerializer es = new RedisEnumStateSerializer();
        RedisEnumState now = new RedisEnumState(List.of(new RedisSplit(NODE, "x", 9, SplitPhase.STREAM, 0, null, new SplitStats(1, 2, 3))));
        assertEquals(new SplitStats(1, 2, 3), es.deserialize(es.getVersion(), es.serialize(now)).unassigned().get(0).stats());
    }

    /** A split as version 3 wrote it. */
    private static void writeV3(DataOutputSerializer out, int db) throws Exception {
        out.writeUTF("127.0.0.1");
        out.writeInt(7001);
        out.writeBoolean(false);
        out.writeUTF("abc");
        out.writeLong(1234);
        out.writeByte(SplitPhase.STREAM.ordinal());
        out.writeInt(db);
        out.writeBoolean(false);
    }

    @Test
    void theStateCountsStreamCommandsAndKeepsTheSnapshotSizeAcrossAContinue() {
        RedisSplitState st = new RedisSplitState(RedisSplit.initial(NODE));
        st.snapshotStarted("r", 10);
        st.streamStarted("r", 10, 500, 9000);
        st.advance(20, 0, 1);
        st.advance(40, 0, 3);
        st.advance(45, 0); // a heartbeat: no command
        RedisSplit cp = st.toSplit();
        assertEquals(new SplitStats(500, 9000, 4), cp.stats());
        RedisSplitState resumed = new RedisSplitState(cp);
        resumed.streamStarted("r", 45, -1, -1); // +CONTINUE
        resumed.advance(60, 0, 1);
        assertEquals(new SplitStats(500, 9000, 5), resumed.toSplit().stats());
        resumed.snapshotStarted("r2", 0);
        assertEquals(0, resumed.toSplit().stats().snapshotKeys(), "a new snapshot starts its size over");
        assertEquals(5, RedisEvent.control("s", 0, RedisEvent.STREAM_START, "r", "5").controlNumber(2, -1));
        assertEquals(-1, RedisEvent.control("s", 0, RedisEvent.STREAM_START, "r").controlNumber(2, -1));
    }
}
