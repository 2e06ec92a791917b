package io.redismigrate.connector.source.reader;

import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.source.split.RedisSplitState;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;

/** Emits events on the task thread; split progress is advanced here so a checkpoint matches what was emitted. */
public final class RedisRecordEmitter implements RecordEmitter<RedisEvent, RedisEvent, RedisSplitState> {
    @Override
    public void emitRecord(RedisEvent event, SourceOutput<RedisEvent> output, RedisSplitState state) {
        if (event.kind() == RedisEvent.Kind.CONTROL) {
            if (RedisEvent.SNAPSHOT_START.equals(event.controlType())) {
                state.snapshotStarted(event.controlValue(1), event.offset());
            } else if (RedisEvent.STREAM_START.equals(event.controlType())) {
                state.streamStarted(event.controlValue(1), event.offset(), event.controlNumber(2, -1),
                        event.controlNumber(3, -1));
            } else if (RedisEvent.HEARTBEAT.equals(event.controlType())) {
                state.advance(event.offset(), event.db());
            }
        } else if (event.stream()) {
            state.advance(event.offset(), dbAfter(event),
                    event.kind() == RedisEvent.Kind.TRANSACTION ? event.commands().length : 1);
        }
        output.collect(event);
    }

    /** The DB selected after the event: a transaction may contain SELECTs. */
    static int dbAfter(RedisEvent event) {
        int db = event.db();
        if (event.kind() == RedisEvent.Kind.TRANSACTION) {
            for (byte[][] c : event.commands()) {
                if (Commands.is(c[0], Commands.SELECT) && c.length > 1) db = Commands.parseInt(c[1]);
            }
        }
        return db;
    }
}
