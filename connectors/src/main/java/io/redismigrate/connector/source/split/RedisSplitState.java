package io.redismigrate.connector.source.split;

/** Mutable progress of a split on the reader's task thread; snapshotted back into a {@link RedisSplit}. */
public final class RedisSplitState {
    private final RedisSplit split;
    private String replId;
    private long offset;
    private SplitPhase phase;
    private int db;

    public RedisSplitState(RedisSplit split) {
        this.split = split;
        this.replId = split.replId();
        this.offset = split.offset();
        this.phase = split.phase();
        this.db = split.db();
    }

    /** A (re)started snapshot: a restore from here syncs again. */
    public void snapshotStarted(String replId, long offset) {
        this.replId = replId;
        this.offset = offset;
        this.phase = SplitPhase.SNAPSHOT;
        this.db = 0;
    }

    /** The stream starts after {@code offset} (end of the snapshot, or a +CONTINUE). */
    public void streamStarted(String replId, long offset) {
        this.replId = replId;
        this.offset = offset;
        this.phase = SplitPhase.STREAM;
    }

    /** A stream event ending at {@code offset}, read while {@code db} was selected, was emitted. */
    public void advance(long offset, int db) {
        this.offset = offset;
        this.db = db;
    }

    public long offset() { return offset; }
    public SplitPhase phase() { return phase; }

    /**
     * The split for a checkpoint. A split in a reader's checkpoint was handed to a reader, so it is at least
     * {@link RedisSplit#started()}: its session may write snapshot keys before the next checkpoint.
     */
    public RedisSplit toSplit() {
        return new RedisSplit(split.node(), replId, offset, phase, db, split.slots()).asStarted();
    }
}
