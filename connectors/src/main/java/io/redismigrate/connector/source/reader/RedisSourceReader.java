package io.redismigrate.connector.source.reader;

import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.source.split.RedisSplit;
import io.redismigrate.connector.source.split.RedisSplitState;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;

import io.redismigrate.connector.progress.Progress;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Source reader: one fetcher thread drains the replication sessions of the splits assigned to this subtask. */
public final class RedisSourceReader
        extends SingleThreadMultiplexSourceReaderBase<RedisEvent, RedisEvent, RedisSplit, RedisSplitState> {

    public RedisSourceReader(Supplier<SplitReader<RedisEvent, RedisSplit>> splitReader,
                             RecordEmitter<RedisEvent, RedisEvent, RedisSplitState> emitter, Configuration config,
                             SourceReaderContext context) {
        super(splitReader, emitter, config, context);
    }

    /** Offsets per split of each checkpoint not yet complete: they become ACKable when it completes. */
    private final TreeMap<Long, List<RedisSplit>> pending = new TreeMap<>();

    @Override
    public List<RedisSplit> snapshotState(long checkpointId) {
        List<RedisSplit> splits = super.snapshotState(checkpointId);
        pending.put(checkpointId, splits);
        return splits;
    }

    /**
     * A completed checkpoint means the sink applied everything up to its offsets: those are what the
     * replication link ACKs to the source (so WAIT and min-replicas-to-write count only what the target holds).
     */
    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        Map<Long, List<RedisSplit>> done = pending.headMap(checkpointId, true);
        for (List<RedisSplit> splits : done.values()) {
            for (RedisSplit s : splits) {
                if (s.synced()) Progress.of(s.splitId()).durable(s.replId(), s.offset());
            }
        }
        done.clear();
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
