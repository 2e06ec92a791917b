package io.redismigrate.connector.source.reader;

import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.source.split.RedisSplitState;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;

/** Emits events on the task thread; split progress is advanced here so a checkpoint matches what was emitted. */
public final class RedisRecordEmitter implements RecordEmitter<RedisEvent, RedisEvent, RedisSplitState> {
    @Override
    public void emitRecord(RedisEvent event, SourceOutput<RedisEvent> output, RedisSplitState state) {
        output.collect(event);
    }
}
