package io.redismigrate.connector.source;

import io.redismigrate.connector.rdb.RdbParserConfig;
import io.redismigrate.connector.replication.ReplicationConfig;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.source.split.RedisSplit;

import java.io.Serializable;
import java.util.List;

/**
 * Settings of {@link RedisSource}.
 *
 * @param nodes         source nodes to read, one split each (a standalone source has one)
 * @param mode          snapshot only, snapshot + stream, or stream only
 * @param parser        how snapshot values become writes
 * @param replication   replication client settings (spool, timeouts)
 * @param queueBytes    most bytes of parsed events buffered per split before the parser waits
 * @param heartbeatKeyPrefix key prefix of the heartbeat written on the source every second in the stream phase
 *                      (null: no heartbeat)
 * @param cleanFirst    treat the first snapshot as a repeated one (the target DBs in scope are emptied first):
 *                      set when a failed run is restarted without a checkpoint
 * @param shardSlots    for a cluster source: the slot ranges of each shard ({@code 0-5460}), parallel to
 *                      {@code nodes} (the shards' masters at start); empty for a standalone source
 * @param seeds         for a cluster source: every node known at start, asked for the current topology when a
 *                      shard's node is re-resolved (after a failover)
 * @param preferReplica for a cluster source: read each shard from one of its replicas instead of its master
 */
public record RedisSourceConfig(List<RedisEndpoint> nodes, SyncMode mode, RdbParserConfig parser,
                                ReplicationConfig replication, long queueBytes, String heartbeatKeyPrefix,
                                boolean cleanFirst, List<String> shardSlots, List<RedisEndpoint> seeds,
                                boolean preferReplica)
        implements Serializable {

    public static final long DEFAULT_QUEUE_BYTES = 128L << 20;

    public RedisSourceConfig {
        nodes = List.copyOf(nodes);
        shardSlots = List.copyOf(shardSlots);
        seeds = List.copyOf(seeds);
        if (nodes.isEmpty()) throw new IllegalArgumentException("no source node");
        if (!shardSlots.isEmpty() && shardSlots.size() != nodes.size()) {
            throw new IllegalArgumentException("one slot range list per shard master expected");
        }
    }

    /** A standalone source: one split per node. */
    public RedisSourceConfig(List<RedisEndpoint> nodes, SyncMode mode, RdbParserConfig parser, ReplicationConfig replication,
                             long queueBytes, String heartbeatKeyPrefix, boolean cleanFirst) {
        this(nodes, mode, parser, replication, queueBytes, heartbeatKeyPrefix, cleanFirst, List.of(), List.of(), false);
    }

    public boolean cluster() {
        return !shardSlots.isEmpty();
    }

    /**
     * Where to connect for {@code split}: its address with the credentials of the current options. A split
     * restored from a checkpoint holds no credentials, so a rotated password applies on resume; a standalone
     * split whose address the options no longer name continues on the one node they name (a moved host; the
     * split keeps its id, which its fences on the target are keyed by).
     */
    public RedisEndpoint endpointFor(RedisSplit split) {
        RedisEndpoint n = split.node();
        for (RedisEndpoint e : cluster() ? seeds : nodes) {
            if (e.host().equals(n.host()) && e.port() == n.port()) return e;
        }
        if (!cluster() && nodes.size() == 1) return nodes.get(0);
        return nodes.get(0).withAddress(n.host(), n.port());
    }

    /** The initial splits: one per standalone node, or one per cluster shard. */
    public List<RedisSplit> initialSplits() {
        List<RedisSplit> splits = new java.util.ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            splits.add(cluster() ? RedisSplit.shard(nodes.get(i), shardSlots.get(i)) : RedisSplit.initial(nodes.get(i)));
        }
        return splits;
    }
}
