package io.redismigrate.connector.source;

import io.redismigrate.connector.rdb.RdbParserConfig;
import io.redismigrate.connector.replication.ReplicationConfig;
import io.redismigrate.connector.resp.RedisEndpoint;

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
 */
public record RedisSourceConfig(List<RedisEndpoint> nodes, SyncMode mode, RdbParserConfig parser,
                                ReplicationConfig replication, long queueBytes, String heartbeatKeyPrefix,
                                boolean cleanFirst)
        implements Serializable {

    public static final long DEFAULT_QUEUE_BYTES = 128L << 20;

    public RedisSourceConfig {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) throw new IllegalArgumentException("no source node");
    }
}
