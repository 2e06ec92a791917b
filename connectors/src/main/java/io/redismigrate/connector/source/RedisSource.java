package io.redismigrate.connector.source;

import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.event.RedisEventTypeInfo;
import io.redismigrate.connector.source.enumerator.RedisEnumState;
import io.redismigrate.connector.source.enumerator.RedisEnumStateSerializer;
import io.redismigrate.connector.source.enumerator.RedisSourceEnumerator;
import io.redismigrate.connector.source.reader.RedisRecordEmitter;
import io.redismigrate.connector.source.reader.RedisSourceReader;
import io.redismigrate.connector.source.reader.RedisSplitReader;
import io.redismigrate.connector.source.split.RedisSplit;
import io.redismigrate.connector.source.split.RedisSplitSerializer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.util.ArrayList;
import java.util.List;


/**
 * FLIP-27 source reading Redis as a replica: one split per standalone source node or per cluster shard; each split runs PSYNC, streams the RDB
 * snapshot through the parser, then (in the incremental modes) the replication command stream. Bounded in
 * {@link SyncMode#FULL}, unbounded otherwise.
 */
public final class RedisSource implements Source<RedisEvent, RedisSplit, RedisEnumState>, ResultTypeQueryable<RedisEvent> {
    private static final long serialVersionUID = 1L;
    private final RedisSourceConfig config;

    public RedisSource(RedisSourceConfig config) {
        this.config = config;
    }

    @Override
    public Boundedness getBoundedness() {
        return config.mode() == SyncMode.FULL ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<RedisEvent, RedisSplit> createReader(SourceReaderContext context) {
        return new RedisSourceReader(() -> new RedisSplitReader(config, context.metricGroup()), new RedisRecordEmitter(),
                new Configuration(), context);
    }

    @Override
    public SplitEnumerator<RedisSplit, RedisEnumState> createEnumerator(SplitEnumeratorContext<RedisSplit> context) {
        return new RedisSourceEnumerator(context, config.initialSplits(), getBoundedness() == Boundedness.BOUNDED);
    }

    @Override
    public SplitEnumerator<RedisSplit, RedisEnumState> restoreEnumerator(SplitEnumeratorContext<RedisSplit> context,
                                                                         RedisEnumState checkpoint) {
        // a split unassigned at the checkpoint may have been assigned and started writing after it
        List<RedisSplit> splits = new ArrayList<>();
        for (RedisSplit s : checkpoint.unassigned()) splits.add(s.asStarted());
        return new RedisSourceEnumerator(context, splits, getBoundedness() == Boundedness.BOUNDED);
    }

    @Override
    public SimpleVersionedSerializer<RedisSplit> getSplitSerializer() {
        return new RedisSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<RedisEnumState> getEnumeratorCheckpointSerializer() {
        return new RedisEnumStateSerializer();
    }

    @Override
    public TypeInformation<RedisEvent> getProducedType() {
        return RedisEventTypeInfo.INSTANCE;
    }
}
