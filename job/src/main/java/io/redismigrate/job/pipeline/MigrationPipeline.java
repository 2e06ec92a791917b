package io.redismigrate.job.pipeline;

import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.event.RedisEventTypeInfo;
import io.redismigrate.connector.rdb.RdbParserConfig;
import io.redismigrate.connector.replication.ReplicationConfig;
import io.redismigrate.connector.resp.ClusterTopology;
import io.redismigrate.connector.resp.RedisAccessException;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.resp.ServerInfo;
import io.redismigrate.connector.sink.KeyScope;
import io.redismigrate.connector.sink.RedisSink;
import io.redismigrate.connector.sink.RedisSinkConfig;
import io.redismigrate.connector.source.RedisSource;
import io.redismigrate.connector.source.RedisSourceConfig;
import io.redismigrate.connector.source.SyncMode;
import io.redismigrate.connector.source.split.RedisSplit;
import io.redismigrate.job.MigrationOptions;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the job graph: RedisSource (one split per standalone source node or per cluster shard) → {@link EventScope}
 * [→ {@link CommandTranslation} for a target lacking command forms a source may replicate] [→ {@link ClusterRouting}] → [keyBy(slot) →] RedisSink. With as many sink subtasks as readers the stages are
 * chained and events are not serialized at all; order per key holds either way (one split → one reader; keyBy
 * keeps order per channel). Operators have fixed uids so savepoints of one version resume in the next.
 */
public final class MigrationPipeline {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MigrationPipeline.class);
    /** --full-mbps/--incr-mbps count MB of 2^20 bytes (keys, values and arguments written). */
    static final double MB = 1 << 20;

    private MigrationPipeline() {}

    /**
     * @param target what the destination is (its RDB level: values of newer encodings are decoded, older-readable
     *     payloads re-labelled; ABSTTL; hash-field TTLs; functions)
     * @param cleanFirst empty the target DBs in scope before the snapshot (a restarted run without checkpoint)
     * @param clusterNodes the destination's nodes when it is a Redis Cluster, else empty: events are made
     *     single-slot ({@link ClusterRouting}) and always spread by {@code keyBy(slot)} over the sink subtasks
     */
    public static void build(StreamExecutionEnvironment env, MigrationOptions o, ServerInfo target, boolean cleanFirst,
                             List<RedisEndpoint> clusterNodes) throws IOException {
        // a standalone source is one split; a cluster source one split per shard (nodes = the shards' masters now)
        List<RedisEndpoint> nodes = List.of(o.source());
        List<String> shardSlots = List.of();
        List<RedisEndpoint> seeds = List.of();
        ClusterTopology topology = sourceTopology(o.source());
        if (topology != null) {
            nodes = new ArrayList<>();
            shardSlots = new ArrayList<>();
            seeds = new ArrayList<>(List.of(o.source()));
            for (ClusterTopology.Shard shard : topology.shards()) {
                nodes.add(shard.master());
                shardSlots.add(shard.slotsText());
                if (!seeds.contains(shard.master())) seeds.add(shard.master());
                for (RedisEndpoint r : shard.replicas()) if (!seeds.contains(r)) seeds.add(r);
            }
            LOG.info("source is a cluster of {} shards: {}", nodes.size(), topology);
        }
        ReplicationConfig replication = replicationConfig(o);
        RdbParserConfig parser = RdbParserConfig.defaults().withBigKeyThreshold(o.bigKeyThreshold())
                .withTarget(target)
                // strings without a TTL as plain SETs: cheaper for the destination than RESTORE (docs/benchmarks.md)
                .withStringsAsSet(true)
                // hash-field TTLs inside a RESTORE payload cannot be shifted: decode such hashes (HSET + HPEXPIREAT)
                .withDecodeFieldTtls(TtlExtension.shiftMs(o) != 0);
        RedisSourceConfig sourceConfig = new RedisSourceConfig(nodes, mode(o), parser, replication,
                RedisSourceConfig.DEFAULT_QUEUE_BYTES, o.mode().includesStream() ? o.heartbeatKeyPrefix() : null, cleanFirst,
                shardSlots, seeds, o.sourcePreferReplica());

        int sourceParallelism = Math.max(1, Math.min(o.parallelism(), nodes.size()));
        DataStream<RedisEvent> events = env
                .fromSource(new RedisSource(sourceConfig), WatermarkStrategy.noWatermarks(), "redis-source")
                .uid("redis-source").setParallelism(sourceParallelism)
                .flatMap(new EventScope(o, target.functions(), !clusterNodes.isEmpty())).returns(RedisEventTypeInfo.INSTANCE)
                .name("scope").uid("scope").setParallelism(sourceParallelism);
        if (o.mode().includesStream() && CommandTranslation.needed(target)) {
            // replicated command forms the target lacks, rewritten (or refused) before routing and the sink
            events = events.map(new CommandTranslation(target)).returns(RedisEventTypeInfo.INSTANCE)
                    .name("command-translation").uid("command-translation").setParallelism(sourceParallelism);
        }

        RedisSinkConfig sinkConfig = RedisSinkConfig.of(o.target()).withUseAbsTtl(target.absTtl())
                .withRateLimits(o.fullRps(), o.fullMbps() * MB, o.incrRps(), o.incrMbps() * MB)
                .withKeyScope(keyScope(o)).withShardSlots(shardSlotsBySplit(shardSlots))
                .withSources(nodes).withTtlShiftMs(TtlExtension.shiftMs(o)).withTargetFormat(parser);
        if (!clusterNodes.isEmpty()) {
            // a cluster destination: every event is single-slot after ClusterRouting, so slots are independent
            int p = Math.max(1, o.parallelism());
            int maxP = KeyGroupRangeAssignment.computeDefaultMaxParallelism(p);
            // As many writers as readers: each writer is chained to a reader and writes the slots of its splits
            // (a slot belongs to one source shard, so per-slot order holds) and events are never serialized.
            // More writers than readers (a standalone source, or fewer shards than --parallelism): keyBy(slot)
            // spreads the slots over the writers, at the cost of serializing every event once.
            boolean keyed = p > sourceParallelism;
            RedisSink sink = new RedisSink(sinkConfig.withCluster(clusterNodes, nodes)
                    .withSlotPartitioned(keyed));
            DataStream<RedisEvent> routed = events
                    .flatMap(new ClusterRouting(keyed ? p : 1, maxP)).returns(RedisEventTypeInfo.INSTANCE)
                    .name("cluster-routing").uid("cluster-routing").setParallelism(sourceParallelism);
            if (keyed) {
                routed.keyBy(RedisEvent::routingSlot).sinkTo(sink).name("redis-sink").uid("redis-sink")
                        .setParallelism(p).setMaxParallelism(maxP);
            } else {
                routed.sinkTo(sink).name("redis-sink").uid("redis-sink").setParallelism(sourceParallelism);
            }
            return;
        }
        RedisSink sink = new RedisSink(sinkConfig);
        // The stream phase must apply multi-key commands and transactions in source order: a standalone target
        // is written by one subtask (one pipelined connection does several 100k commands/s).
        boolean ordered = o.mode().includesStream() || o.parallelism() == 1;
        if (ordered && sourceParallelism == 1) {
            events.sinkTo(sink).name("redis-sink").uid("redis-sink").setParallelism(1);
        } else if (o.mode().includesStream()) {
            // several source readers (cluster shards) into one writer: the fences are kept per split by one writer
            events.keyBy(RedisEvent::routingSlot).sinkTo(sink).name("redis-sink").uid("redis-sink").setParallelism(1);
        } else {
            events.keyBy(RedisEvent::routingSlot).sinkTo(sink).name("redis-sink").uid("redis-sink").setParallelism(o.parallelism());
        }
    }

    /** The replication link's settings (spool directory) for the source's nodes. */
    public static ReplicationConfig replicationConfig(MigrationOptions o) {
        ReplicationConfig replication = ReplicationConfig.defaults();
        return o.spoolDir() != null ? replication.withSpoolDir(o.spoolDir()) : replication;
    }

    /** Split id → slot ranges of a cluster source's shards (empty for a standalone source). */
    private static Map<String, String> shardSlotsBySplit(List<String> shardSlots) {
        Map<String, String> m = new HashMap<>();
        for (String slots : shardSlots) m.put(RedisSplit.shardSplitId(slots), slots);
        return m;
    }

    /**
     * What the migration owns on the target: with --db, the DBs those map to; with --db-map alone, every DB but
     * the ones mapped away that nothing maps to; and the keys passing the prefix filters.
     */
    static KeyScope keyScope(MigrationOptions o) {
        Set<Integer> dbs = null;
        Set<Integer> excluded = new HashSet<>();
        if (!o.dbs().isEmpty()) {
            dbs = new HashSet<>();
            for (int d : o.dbs()) dbs.add(o.targetDb(d));
        } else {
            excluded.addAll(o.dbMap().keySet());
            excluded.removeAll(o.dbMap().values());
        }
        return new KeyScope(o.includePrefixes(), o.excludePrefixes(), dbs, excluded);
    }

    /** The source's topology when it is a cluster node, else null (standalone). */
    public static ClusterTopology sourceTopology(RedisEndpoint source) throws IOException {
        try (RedisConnection c = RedisConnection.open(source, "source", RedisConnection.DEFAULT_CONNECT_TIMEOUT_MS)) {
            if (!ClusterTopology.isCluster(c)) return null;
            ClusterTopology t = ClusterTopology.read(c);
            if (t.shards().isEmpty()) {
                throw new RedisAccessException("source " + source + " is a cluster node without any shard serving slots;"
                        + " check the cluster (CLUSTER SHARDS)");
            }
            return t;
        }
    }

    static SyncMode mode(MigrationOptions o) {
        switch (o.mode()) {
            case FULL: return SyncMode.FULL;
            case INCREMENTAL: return SyncMode.INCREMENTAL;
            default: return SyncMode.FULL_INCREMENTAL;
        }
    }
}
