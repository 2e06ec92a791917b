package io.redismigrate.connector.source.split;

import io.redismigrate.connector.progress.Progress;

/** Mutable progress of a split on the reader's task thread; snapshotted back into a {@link RedisSplit}. */
public final class RedisSplitState {
    private final RedisSplit split;
    private final Progress.SplitProgress progress;
    private String replId;
    private long offset;
    private SplitPhase phase;
    private int db;
    private long snapshotKeys;
    private long snapshotBytes;
    private long streamCommands;

    public RedisSplitState(RedisSplit split) {
        this.split = split;
        this.progress = Progress.of(split.splitId());
        this.replId = split.replId();
        this.offset = split.offset();
        this.phase = split.phase();
        this.db = split.db();
        this.snapshotKeys = split.stats().snapshotKeys();
        this.snapshotBytes = split.stats().snapshotBytes();
        this.streamCommands = split.stats().streamCommands();
        progress.streamCommands = streamCommands;
    }

    /** A (re)started snapshot: a restore from here syncs again. */
    public void snapshotStarted(String replId, long offset) {
        this.replId = replId;
        this.offset = offset;
        this.phase = SplitPhase.SNAPSHOT;
        this.db = 0;
        this.snapshotKeys = 0;
        this.snapshotBytes = 0;
    }

    /**
     * The stream starts after {@code offset} (end of the snapshot, or a +CONTINUE). {@code keys} and {@code bytes}
     * are the snapshot's size, or negative after a +CONTINUE (the restored values stay).
     */
    public void streamStarted(String replId, long offset, long keys, long bytes) {
        this.replId = replId;
        this.offset = offset;
        this.phase = SplitPhase.STREAM;
        if (keys >= 0) {
            snapshotKeys = keys;
            snapshotBytes = bytes;
        }
    }

    /** A stream event ending at {@code offset}, read while {@code db} was selected, was emitted. */
    public void advance(long offset, int db) {
        this.offset = offset;
        this.db = db;
    }

    /** Like {@link #advance}, for {@code commands} replicated commands. */
    public void advance(long offset, int db, int commands) {
        advance(offset, db);
        streamCommands += commands;
        progress.streamCommands = streamCommands;
    }

    public long offset() { return offset; }
    public SplitPhase phase() { return phase; }

    /**
     * The split for a checkpoint. A split in a reader's checkpoint was handed to a reader, so it is at least
     * {@link RedisSplit#started()}: its session may write snapshot keys before the next checkpoint.
     */
    public RedisSplit toSplit() {
        return new RedisSplit(split.node(), replId, offset, phase, db, split.slots(),
                new SplitStats(snapshotKeys, snapshotBytes, streamCommands)).asStarted();
    }
}
