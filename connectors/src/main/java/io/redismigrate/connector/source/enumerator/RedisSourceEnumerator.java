package io.redismigrate.connector.source.enumerator;

import io.redismigrate.connector.source.split.RedisSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

import javax.annotation.Nullable;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands each source node's split to a reader: split i goes to reader i mod parallelism, so every node is read by
 * exactly one reader and a node's events keep their order. Splits returned by a failed reader are handed out again.
 */
public final class RedisSourceEnumerator implements SplitEnumerator<RedisSplit, RedisEnumState> {
    private final SplitEnumeratorContext<RedisSplit> context;
    private final List<RedisSplit> unassigned;
    private final boolean bounded;

    public RedisSourceEnumerator(SplitEnumeratorContext<RedisSplit> context, List<RedisSplit> splits, boolean bounded) {
        this.context = context;
        this.unassigned = new ArrayList<>(splits);
        this.bounded = bounded;
    }

    @Override
    public void start() {
        // splits are known up front; they are assigned as readers register
    }

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        // assignment is push-based
    }

    @Override
    public void addSplitsBack(List<RedisSplit> splits, int subtaskId) {
        // the failed reader may have written some of the snapshot before it failed
        for (RedisSplit s : splits) unassigned.add(s.asStarted());
        if (context.registeredReaders().containsKey(subtaskId)) assign(subtaskId);
    }

    @Override
    public void addReader(int subtaskId) {
        assign(subtaskId);
    }

    private void assign(int subtaskId) {
        int parallelism = context.currentParallelism();
        List<RedisSplit> mine = new ArrayList<>();
        for (int i = 0; i < unassigned.size(); i++) {
            RedisSplit s = unassigned.get(i);
            if (Math.floorMod(s.splitId().hashCode(), parallelism) == subtaskId || parallelism == 1) mine.add(s);
        }
        unassigned.removeAll(mine);
        for (RedisSplit s : mine) context.assignSplit(s, subtaskId);
        if (bounded) context.signalNoMoreSplits(subtaskId);
    }

    @Override
    public RedisEnumState snapshotState(long checkpointId) {
        return new RedisEnumState(unassigned);
    }

    @Override
    public void close() {
        // nothing to release
    }
}
