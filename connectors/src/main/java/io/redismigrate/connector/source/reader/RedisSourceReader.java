package io.redismigrate.connector.source.reader;

import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.source.split.RedisSplit;
import io.redismigrate.connector.source.split.RedisSplitState;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;

import java.util.Map;
import java.util.function.Supplier;

/** Source reader: one fetcher thread drains the replication sessions of the splits assigned to this subtask. */
public final class RedisSourceReader
        extends SingleThreadMultiplexSourceReaderBase<RedisEvent, RedisEvent, RedisSplit, RedisSplitState> {

    public RedisSourceReader(Supplier<SplitReader<RedisEvent, RedisSplit>> splitReader,
                             RecordEmitter<RedisEvent, RedisEvent, RedisSplitState> emitter, Configuration config,
                             SourceReaderContext context) {
        super(splitReader, emitter, config, context);
    }

    @Override
    protected void onSplitFinished(Map<String, RedisSplitState> finished) {
        // a finished split (full mode) needs nothing more
    }

    @Override
    protected RedisSplitState initializedState(RedisSplit split) {
        return new RedisSplitState(split);
    }

    @Override
    protected RedisSplit toSplitType(String splitId, RedisSplitState state) {
        return state.toSplit();
    }
}
