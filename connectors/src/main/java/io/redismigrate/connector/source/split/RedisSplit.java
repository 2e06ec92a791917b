package io.redismigrate.connector.source.split;

import io.redismigrate.connector.resp.RedisEndpoint;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One source to replicate from, with where to continue: {@code replId} and {@code offset} are the source's
 * replication id and the offset up to which everything is written (PSYNC continues at offset + 1).
 * Immutable; {@link RedisSplitState} is its mutable twin on the reader.
 *
 * <p>A standalone source is one node: the split id is its {@code host:port}. A cluster source has one split per
 * <em>shard</em>: {@code slots} holds the shard's slot ranges and the id is {@code slots-<first range>} (for example
 * {@code slots-0-5460}), stable across failovers, because the exactly-once fences on the target are keyed by it.
 * {@code node} is then only where the shard's master was last seen; the reader resolves the shard's current
 * master (or replica) from the cluster's topology before each PSYNC.
 */
public final class RedisSplit implements SourceSplit {
    private final RedisEndpoint node;
    private final String replId;
    private final long offset;
    private final SplitPhase phase;
    private final int db;
    private final String slots;
    private final SplitStats stats;

    public RedisSplit(RedisEndpoint node, String replId, long offset, SplitPhase phase, int db) {
        this(node, replId, offset, phase, db, null);
    }

    /** @param slots the shard's slot ranges ({@code 0-5460,5470}) for a cluster source, null for a standalone one */
    public RedisSplit(RedisEndpoint node, String replId, long offset, SplitPhase phase, int db, String slots) {
        this(node, replId, offset, phase, db, slots, SplitStats.NONE);
    }

    /** @param stats counters shown as metrics that continue across resumes (not used for correctness) */
    public RedisSplit(RedisEndpoint node, String replId, long offset, SplitPhase phase, int db, String slots, SplitStats stats) {
        this.stats = stats;
        this.node = node;
        this.replId = replId;
        this.offset = offset;
        this.phase = phase;
        this.db = db;
        this.slots = slots == null || slots.isEmpty() ? null : slots;
    }

    public static RedisSplit initial(RedisEndpoint node) {
        return new RedisSplit(node, NO_REPL_ID, -1, SplitPhase.SNAPSHOT, 0);
    }

    /** The split of a cluster shard serving {@code slots}, whose master is {@code master} now. */
    public static RedisSplit shard(RedisEndpoint master, String slots) {
        return new RedisSplit(master, NO_REPL_ID, -1, SplitPhase.SNAPSHOT, 0, slots);
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
        return NO_REPL_ID.equals(replId) ? new RedisSplit(node, STARTED_NO_REPL_ID, offset, phase, db, slots, stats) : this;
    }

    /** host:port of a standalone node; {@code slots-<first slot range>} of a cluster shard. */
    @Override
    public String splitId() {
        return slots == null ? node.host() + ":" + node.port() : shardSplitId(slots);
    }

    /** The split id of the cluster shard serving {@code slots} ({@code 0-5460,5470} → {@code slots-0-5460}). */
    public static String shardSplitId(String slots) {
        int comma = slots.indexOf(',');
        String first = comma < 0 ? slots : slots.substring(0, comma);
        return "slots-" + (first.indexOf('-') < 0 ? first + "-" + first : first);
    }

    /** Slot ranges of the shard ({@code 0-5460,5470}), or null for a standalone source. */
    public String slots() { return slots; }

    /** The first slot of the shard, or -1 for a standalone source. */
    public int firstSlot() {
        if (slots == null) return -1;
        int end = 0;
        while (end < slots.length() && Character.isDigit(slots.charAt(end))) end++;
        return Integer.parseInt(slots.substring(0, end));
    }

    /** Order of splits for an even, deterministic assignment to readers: shards by first slot, then nodes by id. */
    public String sortKey() {
        return slots == null ? "n:" + splitId() : String.format("s:%05d", firstSlot());
    }

    public RedisEndpoint node() { return node; }
    public String replId() { return replId; }
    public long offset() { return offset; }
    public SplitPhase phase() { return phase; }
    /** The source DB selected at {@link #offset()}: a +CONTINUE stream does not repeat SELECT. */
    public int db() { return db; }
    /** Snapshot size and stream commands so far, for the metrics. */
    public SplitStats stats() { return stats; }

    @Override
    public String toString() {
        return "RedisSplit{" + splitId() + ", replId=" + replId + ", offset=" + offset + ", phase=" + phase + ", db=" + db
                + (slots == null ? "" : ", node=" + node + ", slots=" + slots) + "}";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RedisSplit)) return false;
        RedisSplit s = (RedisSplit) o;
        return offset == s.offset && db == s.db && node.equals(s.node) && replId.equals(s.replId) && phase == s.phase
                && java.util.Objects.equals(slots, s.slots) && stats.equals(s.stats);
    }

    @Override
    public int hashCode() {
        return splitId().hashCode();
    }
}
