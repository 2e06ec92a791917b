package io.redismigrate.job.pipeline;

import io.redismigrate.connector.event.Slots;
import io.redismigrate.connector.resp.ClusterTopology;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.sink.KeyScope;
import io.redismigrate.connector.sink.ScopedDelete;
import io.redismigrate.job.MigrationOptions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Before a cluster shard's snapshot is taken again, removes from the target the keys of that shard's slots (in
 * scope of the prefix filters, never the tool's own keys), so keys the source deleted meanwhile do not survive.
 * Emptying whole DBs (what a standalone source does) would also remove the other shards' keys, which are not
 * written again. The target is scanned (every master of a cluster target) and matching keys are UNLINKed.
 */
final class SlotCleanup {
    private SlotCleanup() {}

    /** @return the number of keys removed */
    static long run(MigrationOptions options, String slots, int db) throws IOException {
        List<int[]> ranges = ClusterTopology.parseRanges(slots);
        boolean[] owned = new boolean[Slots.SLOT_COUNT];
        for (int[] r : ranges) for (int s = r[0]; s <= r[1]; s++) owned[s] = true;
        List<RedisEndpoint> nodes = new ArrayList<>();
        try (RedisConnection c = RedisConnection.open(options.target(), "target", RedisConnection.DEFAULT_CONNECT_TIMEOUT_MS)) {
            if (ClusterTopology.isCluster(c)) {
                for (ClusterTopology.Shard s : ClusterTopology.read(c).shards()) nodes.add(s.master());
            } else {
                nodes.add(options.target());
            }
        }
        long removed = 0;
        KeyScope scope = MigrationPipeline.keyScope(options);
        for (RedisEndpoint node : nodes) {
            try (RedisConnection c = RedisConnection.open(node, "target", RedisConnection.DEFAULT_CONNECT_TIMEOUT_MS)) {
                removed += ScopedDelete.run(c, db, scope, owned);
            }
        }
        return removed;
    }
}
