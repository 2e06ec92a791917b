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

    /** Whether a sync was already started for this split (a new snapshot must then clean up first). */
    public boolean synced() {
        return !NO_REPL_ID.equals(replId);
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
