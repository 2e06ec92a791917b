package io.redismigrate.connector.source.enumerator;

import io.redismigrate.connector.source.split.RedisSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

import javax.annotation.Nullable;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands each split (a standalone node, or a cluster shard) to a reader, round-robin in a fixed order (shards by
 * first slot, see {@link RedisSplit#sortKey()}): the i-th split goes to reader i mod parallelism, so shards spread
 * evenly, every split is read by exactly one reader and its events keep their order. Splits returned by a failed
 * reader are handed out again to the same reader.
 */
public final class RedisSourceEnumerator implements SplitEnumerator<RedisSplit, RedisEnumState> {
    private final SplitEnumeratorContext<RedisSplit> context;
    private final List<RedisSplit> unassigned;
    private final boolean bounded;
    /** Sort keys of every split this enumerator has seen, in order: a split's rank decides its reader. */
    private final java.util.TreeSet<String> order = new java.util.TreeSet<>();

    public RedisSourceEnumerator(SplitEnumeratorContext<RedisSplit> context, List<RedisSplit> splits, boolean bounded) {
        this.context = context;
        this.unassigned = new ArrayList<>(splits);
        this.bounded = bounded;
        for (RedisSplit s : splits) order.add(s.sortKey());
    }

    /** The reader of {@code split} among {@code parallelism} readers. */
    int readerOf(RedisSplit split, int parallelism) {
        order.add(split.sortKey());
        int rank = order.headSet(split.sortKey()).size();
        return rank % parallelism;
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
            if (parallelism == 1 || readerOf(s, parallelism) == subtaskId) mine.add(s);
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
