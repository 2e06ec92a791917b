package io.redismigrate.connector.source.split;

import io.redismigrate.connector.resp.RedisEndpoint;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One source node to replicate from, with where to continue: {@code replId} and {@code offset} are the source's
 * replication id and the offset up to which everything is written (PSYNC continues at offset + 1).
 * Immutable; {@link RedisSplitState} is its mutable twin on the reader.
 */
public final class RedisSplit implements SourceSplit {
    private final RedisEndpoint node;
    private final String replId;
    private final long offset;
    private final SplitPhase phase;
    private final int db;

    public RedisSplit(RedisEndpoint node, String replId, long offset, SplitPhase phase, int db) {
        this.node = node;
        this.replId = replId;
        this.offset = offset;
        this.phase = phase;
        this.db = db;
    }

    public static RedisSplit initial(RedisEndpoint node) {
        return new RedisSplit(node, NO_REPL_ID, -1, SplitPhase.SNAPSHOT, 0);
    }

    /** Replication id of a split that has never synced. */
    public static final String NO_REPL_ID = "?";
    /**
     * Replication id of a split that was handed to a reader before its first SNAPSHOT_START was checkpointed:
     * a reader may have written snapshot keys to the destination after that checkpoint, so it is not fresh.
     */
    public static final String STARTED_NO_REPL_ID = "!";

    /** Whether a sync was already started for this split (a new snapshot must then clean up first). */
    public boolean synced() {
        return !NO_REPL_ID.equals(replId) && !STARTED_NO_REPL_ID.equals(replId);
    }

    /**
     * Whether this split may have written to the destination already: it synced, or it was handed to a reader
     * in an earlier run (restored from a checkpoint or returned by a failed reader). A new snapshot of such a
     * split must empty the destination's DBs in scope first, or keys written by the interrupted snapshot and
     * deleted on the source meanwhile would stay.
     */
    public boolean started() {
        return !NO_REPL_ID.equals(replId);
    }

    /** This split as it must be restored: marked {@link #started()} if it had not synced yet. */
    public RedisSplit asStarted() {
        return NO_REPL_ID.equals(replId) ? new RedisSplit(node, STARTED_NO_REPL_ID, offset, phase, db) : this;
    }

    /** host:port of the node. */
    @Override
    public String splitId() {
        return node.host() + ":" + node.port();
    }

    public RedisEndpoint node() { return node; }
    public String replId() { return replId; }
    public long offset() { return offset; }
    public SplitPhase phase() { return phase; }
    /** The source DB selected at {@link #offset()}: a +CONTINUE stream does not repeat SELECT. */
    public int db() { return db; }

    @Override
    public String toString() {
        return "RedisSplit{" + splitId() + ", replId=" + replId + ", offset=" + offset + ", phase=" + phase + ", db=" + db + "}";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RedisSplit)) return false;
        RedisSplit s = (RedisSplit) o;
        return offset == s.offset && db == s.db && node.equals(s.node) && replId.equals(s.replId) && phase == s.phase;
    }

    @Override
    public int hashCode() {
        return splitId().hashCode();
    }
}
