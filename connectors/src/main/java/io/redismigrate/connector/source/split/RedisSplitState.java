package io.redismigrate.connector.source.split;

/** Mutable progress of a split on the reader's task thread; snapshotted back into a {@link RedisSplit}. */
public final class RedisSplitState {
    private final RedisSplit split;
    private String replId;
    private long offset;
    private SplitPhase phase;

    public RedisSplitState(RedisSplit split) {
        this.split = split;
        this.replId = split.replId();
        this.offset = split.offset();
        this.phase = split.phase();
    }

    public void update(String replId, long offset, SplitPhase phase) {
        this.replId = replId;
        this.offset = offset;
        this.phase = phase;
    }

    public long offset() { return offset; }

    public RedisSplit toSplit() {
        return new RedisSplit(split.node(), replId, offset, phase);
    }
}
