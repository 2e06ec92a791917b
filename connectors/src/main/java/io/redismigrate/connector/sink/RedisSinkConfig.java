package io.redismigrate.connector.sink;

import io.redismigrate.connector.rdb.RdbParserConfig;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;

import java.io.Serializable;
import java.util.Objects;

/** Settings of {@link RedisSink}; immutable, built with {@link #of} and the {@code with…} methods. */
public final class RedisSinkConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MAX_IN_FLIGHT = 20_000;
    public static final long DEFAULT_MAX_IN_FLIGHT_BYTES = 64L << 20;
    public static final int DEFAULT_REPLY_TIMEOUT_MS = 60_000;
    public static final long DEFAULT_FLUSH_INTERVAL_MS = 1;

    private final RedisEndpoint target;
    private final int maxInFlight;
    private final long maxInFlightBytes;
    private final int connectTimeoutMs;
    private final int replyTimeoutMs;
    private final boolean useAbsTtl;
    private final long flushIntervalMs;
    // cluster destination: set by withCluster; the writer is then a ClusterSinkWriter
    private boolean cluster;
    private java.util.List<RedisEndpoint> clusterNodes = java.util.List.of();
    private java.util.List<RedisEndpoint> sources = java.util.List.of();
    private boolean slotPartitioned = true;
    private java.util.Map<String, String> shardSlots = java.util.Map.of();
    private Throttle.Rates rates = Throttle.Rates.NONE;
    private KeyScope keyScope = KeyScope.ALL;
    private long ttlShiftMs;
    private RdbParserConfig targetFormat = RdbParserConfig.defaults();

    private RedisSinkConfig(RedisEndpoint target, int maxInFlight, long maxInFlightBytes, int connectTimeoutMs,
                            int replyTimeoutMs, boolean useAbsTtl, long flushIntervalMs) {
        this.target = Objects.requireNonNull(target, "target");
        if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        if (maxInFlightBytes < 1) throw new IllegalArgumentException("maxInFlightBytes must be at least 1, got " + maxInFlightBytes);
        if (connectTimeoutMs < 1) throw new IllegalArgumentException("connectTimeoutMs must be at least 1, got " + connectTimeoutMs);
        if (replyTimeoutMs < 1) throw new IllegalArgumentException("replyTimeoutMs must be at least 1, got " + replyTimeoutMs);
        if (flushIntervalMs < 0) throw new IllegalArgumentException("flushIntervalMs must not be negative, got " + flushIntervalMs);
        this.maxInFlight = maxInFlight;
        this.maxInFlightBytes = maxInFlightBytes;
        this.connectTimeoutMs = connectTimeoutMs;
        this.replyTimeoutMs = replyTimeoutMs;
        this.useAbsTtl = useAbsTtl;
        this.flushIntervalMs = flushIntervalMs;
    }

    public static RedisSinkConfig of(RedisEndpoint target) {
        return new RedisSinkConfig(target, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_IN_FLIGHT_BYTES,
                RedisConnection.DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_REPLY_TIMEOUT_MS, true, DEFAULT_FLUSH_INTERVAL_MS);
    }

    /** Commands sent but not yet answered, at most; {@code write} blocks beyond. */
    public RedisSinkConfig withMaxInFlight(int n) {
        return keep(new RedisSinkConfig(target, n, maxInFlightBytes, connectTimeoutMs, replyTimeoutMs, useAbsTtl, flushIntervalMs));
    }

    /** Encoded bytes of unanswered commands, at most (one bigger command may still go alone). */
    public RedisSinkConfig withMaxInFlightBytes(long n) {
        return keep(new RedisSinkConfig(target, maxInFlight, n, connectTimeoutMs, replyTimeoutMs, useAbsTtl, flushIntervalMs));
    }

    public RedisSinkConfig withConnectTimeoutMs(int ms) {
        return keep(new RedisSinkConfig(target, maxInFlight, maxInFlightBytes, ms, replyTimeoutMs, useAbsTtl, flushIntervalMs));
    }

    /** With commands in flight, silence from the target for this long fails the writer. */
    public RedisSinkConfig withReplyTimeoutMs(int ms) {
        return keep(new RedisSinkConfig(target, maxInFlight, maxInFlightBytes, connectTimeoutMs, ms, useAbsTtl, flushIntervalMs));
    }

    /** False for destinations older than 5.0 (no RESTORE … ABSTTL): TTLs are sent relative, computed at send time. */
    public RedisSinkConfig withUseAbsTtl(boolean abs) {
        return keep(new RedisSinkConfig(target, maxInFlight, maxInFlightBytes, connectTimeoutMs, replyTimeoutMs, abs, flushIntervalMs));
    }

    /** Buffered commands go out at the latest this long after being written (0 = only when full or on flush). */
    public RedisSinkConfig withFlushIntervalMs(long ms) {
        return keep(new RedisSinkConfig(target, maxInFlight, maxInFlightBytes, connectTimeoutMs, replyTimeoutMs, useAbsTtl, ms));
    }

    /**
     * A Redis Cluster destination: {@code nodes} are its known nodes (any one answers CLUSTER SLOTS after a
     * failover of another), {@code sources} the source nodes (one per split) that cross-slot refreshes read from.
     */
    public RedisSinkConfig withCluster(java.util.List<RedisEndpoint> nodes, java.util.List<RedisEndpoint> sources) {
        RedisSinkConfig c = keep(this);
        c.cluster = true;
        c.clusterNodes = java.util.List.copyOf(nodes);
        c.sources = java.util.List.copyOf(sources);
        return c;
    }

    /**
     * Whether the sink's input is partitioned by {@code keyBy(slot)} (each subtask writes its own key groups'
     * slots) or forwarded from the source readers (each subtask writes whatever slots its readers' splits own).
     */
    public RedisSinkConfig withSlotPartitioned(boolean partitioned) {
        RedisSinkConfig c = keep(this);
        c.slotPartitioned = partitioned;
        return c;
    }

    /**
     * Slot ranges of a cluster source's shards by split id ({@code slots-0-5460} → {@code 0-5460,5470}): a
     * FLUSHALL replicated from one shard empties only that shard's slots. Empty for a standalone source.
     */
    public RedisSinkConfig withShardSlots(java.util.Map<String, String> slotsBySplit) {
        RedisSinkConfig c = keep(this);
        c.shardSlots = java.util.Map.copyOf(slotsBySplit);
        return c;
    }

    /**
     * Limits for the whole sink, per second (0 = none): commands and bytes of snapshot writes, and of stream
     * writes. Each of the sink's parallel writers keeps to an equal share.
     */
    public RedisSinkConfig withRateLimits(double snapshotCommands, double snapshotBytes, double streamCommands,
                                          double streamBytes) {
        RedisSinkConfig c = keep(this);
        c.rates = new Throttle.Rates(snapshotCommands, snapshotBytes, streamCommands, streamBytes);
        return c;
    }

    /** The source nodes (one per split) that refreshes read keys from (a cluster source's shards are found again by slot). */
    public RedisSinkConfig withSources(java.util.List<RedisEndpoint> sourceNodes) {
        RedisSinkConfig c = keep(this);
        c.sources = java.util.List.copyOf(sourceNodes);
        return c;
    }

    /** The target keys the migration owns (prefix filters): a replicated FLUSHALL/FLUSHDB deletes only those. */
    public RedisSinkConfig withKeyScope(KeyScope scope) {
        RedisSinkConfig c = keep(this);
        c.keyScope = scope;
        return c;
    }

    /**
     * The job's TTL shift (--ttl-extend + --ttl-margin), added to the TTL of keys the sink copies from the source
     * itself (refreshes: DUMP + PTTL); every other TTL arrives shifted already.
     */
    /**
     * What the destination reads ({@link RdbParserConfig#targetRdbVersion()}, field TTLs) and how values are chunked
     * when a payload read from the source (a refresh) must be rewritten as commands for it ({@code DumpPayloads}).
     */
    public RedisSinkConfig withTargetFormat(RdbParserConfig format) {
        RedisSinkConfig c = keep(this);
        c.targetFormat = format;
        return c;
    }

    public RdbParserConfig targetFormat() { return targetFormat; }

    public RedisSinkConfig withTtlShiftMs(long ms) {
        RedisSinkConfig c = keep(this);
        c.ttlShiftMs = ms;
        return c;
    }

    private RedisSinkConfig keep(RedisSinkConfig c) {
        RedisSinkConfig n = new RedisSinkConfig(c.target, c.maxInFlight, c.maxInFlightBytes, c.connectTimeoutMs,
                c.replyTimeoutMs, c.useAbsTtl, c.flushIntervalMs);
        n.cluster = cluster;
        n.clusterNodes = clusterNodes;
        n.sources = sources;
        n.slotPartitioned = slotPartitioned;
        n.shardSlots = shardSlots;
        n.rates = rates;
        n.keyScope = keyScope;
        n.ttlShiftMs = ttlShiftMs;
        n.targetFormat = targetFormat;
        return n;
    }

    public boolean cluster() { return cluster; }
    public java.util.List<RedisEndpoint> clusterNodes() { return clusterNodes; }
    public java.util.List<RedisEndpoint> sources() { return sources; }
    public boolean slotPartitioned() { return slotPartitioned; }
    public java.util.Map<String, String> shardSlots() { return shardSlots; }
    public KeyScope keyScope() { return keyScope; }
    public long ttlShiftMs() { return ttlShiftMs; }

    /** A throttle for one of {@code writers} parallel writers, or null when no limit is set. */
    Throttle throttle(int writers) {
        return rates.none() ? null : new Throttle(rates, writers, System.nanoTime());
    }

    public RedisEndpoint target() { return target; }
    public int maxInFlight() { return maxInFlight; }
    public long maxInFlightBytes() { return maxInFlightBytes; }
    public int connectTimeoutMs() { return connectTimeoutMs; }
    public int replyTimeoutMs() { return replyTimeoutMs; }
    public boolean useAbsTtl() { return useAbsTtl; }
    public long flushIntervalMs() { return flushIntervalMs; }

    /** Stream-phase commands per fenced MULTI/EXEC batch (bigger batches cut the fence's cost). */
    public int batchCommands() { return DEFAULT_BATCH_COMMANDS; }

    public static final int DEFAULT_BATCH_COMMANDS = 1000;

    /** Never shows the password (the endpoint prints host:port only). */
    @Override
    public String toString() {
        return "RedisSinkConfig{target=" + target + ", maxInFlight=" + maxInFlight + ", maxInFlightBytes="
                + maxInFlightBytes + ", useAbsTtl=" + useAbsTtl + "}";
    }
}
