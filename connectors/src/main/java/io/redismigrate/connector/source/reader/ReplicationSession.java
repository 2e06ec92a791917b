package io.redismigrate.connector.source.reader;

import io.redismigrate.connector.command.CommandSpec;
import io.redismigrate.connector.command.CommandTable;
import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.logging.LogContext;
import io.redismigrate.connector.progress.Progress;
import io.redismigrate.connector.rdb.RdbHandler;
import io.redismigrate.connector.rdb.RdbParser;
import io.redismigrate.connector.replication.CommandStreamReader;
import io.redismigrate.connector.replication.ReplicationClient;
import io.redismigrate.connector.replication.SyncStart;
import io.redismigrate.connector.resp.ClusterTopology;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.source.EarlySync;
import io.redismigrate.connector.source.RedisSourceConfig;
import io.redismigrate.connector.source.SyncMode;
import io.redismigrate.connector.source.split.RedisSplit;
import io.redismigrate.connector.source.split.SplitPhase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Replication of one split on its own thread: PSYNC, then the RDB through {@link RdbParser} and the command
 * stream through {@link CommandStreamReader}, into an {@link EventQueue}. Parsing runs apart from the fetcher so a big key decoded into many commands streams through
 * the bounded queue instead of being collected in memory.
 */
final class ReplicationSession implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSession.class);
    private static final byte[][] FUNCTION_LOAD = {b("FUNCTION"), b("LOAD"), b("REPLACE")};

    private final RedisSplit split;
    private final RedisSourceConfig config;
    private final EventQueue queue;
    private final SessionMetrics metrics;
    private final Thread thread;
    private volatile ReplicationClient client;
    private volatile RedisEndpoint connectedNode;
    private volatile boolean stopped;

    private final Progress.SplitProgress progress;
    private final byte[] heartbeatPrefix;
    private volatile Heartbeat heartbeat;
    private int unknownLogged;
    private volatile String replId;
    private volatile long offset;

    ReplicationSession(RedisSplit split, RedisSourceConfig config, SessionMetrics metrics,
                       Map<String, String> logContext) {
        this.split = split; // holds no credentials nor TLS settings: see RedisSourceConfig#endpointFor
        this.config = config;
        this.metrics = metrics;
        this.queue = new EventQueue(config.queueBytes());
        this.progress = Progress.of(split.splitId());
        this.heartbeatPrefix = config.heartbeatKeyPrefix() == null ? null
                : config.heartbeatKeyPrefix().getBytes(StandardCharsets.UTF_8);
        this.thread = LogContext.daemon(logContext, this, "redis-replication-" + split.splitId());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    EventQueue queue() {
        return queue;
    }

    String replId() { return replId; }
    long offset() { return offset; }

    @Override
    public void run() {
        try {
            RedisEndpoint[] resolved = resolveNode();
            RedisEndpoint node = resolved[0];
            connectedNode = node;
            boolean resume = split.phase() == SplitPhase.STREAM;
            // a fresh split may find its full sync already started, while the Flink runtime came up
            EarlySync.Started early = !resume && !split.started() ? EarlySync.take(node) : null;
            SyncStart start;
            if (early != null) {
                client = early.client();
                start = early.start();
            } else {
                client = ReplicationClient.connect(node, config.replication());
                start = client.psync(resume ? split.replId() : "?", resume ? split.offset() + 1 : -1);
            }
            replId = start.replId();
            offset = start.offset();
            int db = split.db();
            long snapshotKeys = -1;
            long snapshotBytes = -1;
            if (start.kind() == SyncStart.Kind.FULL) {
                if (resume) LOG.warn("{}: the source could not continue from offset {} (backlog too small or a new "
                        + "replication id); taking a new snapshot", split.splitId(), split.offset() + 1);
                else LOG.info("{}: full sync from offset {} (replication id {})", split.splitId(), start.offset(), start.replId());
                boolean keep = config.mode() != SyncMode.INCREMENTAL || split.synced();
                // a split that started before (even if its snapshot never reached a checkpoint) may have left keys
                // on the destination: the new snapshot empties the DBs in scope first
                put(RedisEvent.control(split.splitId(), start.offset(), RedisEvent.SNAPSHOT_START, start.replId(),
                        keep && (split.started() || config.cleanFirst()) ? "1" : "0", split.slots() == null ? "" : split.slots()));
                progress.snapshotKeys = 0;
                progress.snapshotBytes = 0;
                progress.snapshotBytesTotal = -1;
                progress.snapshotEndMs = 0;
                progress.snapshotKeysTotal = early != null ? early.keyCount()
                        : EarlySync.keyCount(node, config.replication().connectTimeoutMs());
                progress.snapshotStartMs = System.currentTimeMillis();
                progress.phase = "snapshot";
                RdbParser parser = readSnapshot(start, keep);
                snapshotKeys = parser.keysRestored() + parser.keysDecoded() + parser.keysSet();
                snapshotBytes = parser.position();
                db = 0;
            } else {
                LOG.info("{}: continuing the replication stream from offset {}", split.splitId(), start.offset() + 1);
                progress.snapshotKeys = progress.snapshotKeysTotal = split.stats().snapshotKeys();
                progress.snapshotBytes = progress.snapshotBytesTotal = split.stats().snapshotBytes();
            }
            if (config.mode() == SyncMode.FULL) {
                queue.end();
                return;
            }
            put(RedisEvent.control(split.splitId(), start.offset(), RedisEvent.STREAM_START, start.replId(),
                    Long.toString(snapshotKeys), Long.toString(snapshotBytes)));
            queue.publish();
            progress.phase = "stream";
            if (config.heartbeatKeyPrefix() != null) {
                heartbeat = new Heartbeat(resolved[1], Heartbeat.key(config.heartbeatKeyPrefix(), split), split.splitId());
                heartbeat.start();
            }
            readStream(start.offset(), db);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            if (!stopped) queue.fail(explainFailover(t));
        } finally {
            closeClient();
        }
    }

    /**
     * Where to PSYNC, and where to write the heartbeat (always a master): for a standalone source the split's
     * node. For a cluster shard the topology is read again (from the node last known, else any node known at
     * start), so a restart after a failover continues on the shard's new master: with PSYNC2 the promoted replica
     * kept the old replication id and offsets and answers {@code +CONTINUE}.
     */
    private RedisEndpoint[] resolveNode() throws IOException {
        RedisEndpoint last = config.endpointFor(split);
        if (split.slots() == null) return new RedisEndpoint[] {last, last};
        List<RedisEndpoint> seeds = new ArrayList<>();
        seeds.add(last);
        for (RedisEndpoint e : config.seeds()) if (!seeds.contains(e)) seeds.add(e);
        ClusterTopology topology = ClusterTopology.discoverAny(seeds, "source", config.replication().connectTimeoutMs());
        ClusterTopology.Shard shard = topology.shardForSlot(split.firstSlot());
        if (shard == null) {
            throw new IOException("source cluster: no master serves slot " + split.firstSlot() + " of " + split.splitId()
                    + " (cluster down or failing over); connection to the shard not possible yet");
        }
        if (!shard.slotsText().equals(split.slots())) {
            LOG.warn("{}: the shard now serves slots {} (was {}): slots moved during the migration, which is not "
                    + "supported; keys moved between shards may be missing or stale on the target",
                    split.splitId(), shard.slotsText(), split.slots());
        }
        RedisEndpoint node = shard.master();
        String what = "master";
        if (config.preferReplica()) {
            if (shard.replicas().isEmpty()) {
                LOG.warn("{}: --source-prefer replica, but the shard has no healthy replica; reading from its master {}",
                        split.splitId(), shard.master());
            } else {
                node = shard.replicas().get(0); // healthy first, then by address
                what = "replica";
            }
        }
        if (!node.toString().equals(split.node().toString()) || config.preferReplica()) {
            LOG.info("{}: reading the shard (slots {}) from {} {}", split.splitId(), shard.slotsText(), what, node);
        }
        return new RedisEndpoint[] {node, shard.master()};
    }

    /**
     * A cluster shard's node that closes the replication link is most often a master demoted by a failover: say
     * so (the supervisor retries a lost connection and the restart continues on the new master).
     */
    private Throwable explainFailover(Throwable t) {
        RedisEndpoint connected = connectedNode;
        if (split.slots() == null || connected == null || !(t instanceof IOException)) return t;
        try {
            List<RedisEndpoint> seeds = new ArrayList<>(config.seeds());
            seeds.add(0, config.endpointFor(split));
            ClusterTopology.Shard shard = ClusterTopology.discoverAny(seeds, "source", 2000).shardForSlot(split.firstSlot());
            if (shard != null && !connected.toString().equals(shard.master().toString()) && !config.preferReplica()) {
                return new IOException("source shard " + split.splitId() + ": the replication connection closed after a "
                        + "failover (the shard's master is now " + shard.master() + "); continuing there", t);
            }
        } catch (Exception ignored) {
            // keep the original failure
        }
        return t;
    }

    /** Follows the command stream; every event carries the offset at which its command ends. */
    private void readStream(long startOffset, int startDb) throws Exception {
        String splitId = split.splitId();
        CommandStreamReader reader = new CommandStreamReader(client.commandStream(), startOffset);
        int db = startDb;
        long lastAck = 0;
        while (!stopped) {
            byte[][] args = reader.next();
            byte[] name = args[0];
            if (Commands.is(name, Commands.SELECT)) {
                db = Commands.parseInt(args[1]);
            } else if (Commands.is(name, Commands.PING)) {
                // keeps the link alive; nothing to apply
            } else if (Commands.is(name, Commands.REPLCONF)) {
                if (args.length > 1 && Commands.is(args[1], Commands.GETACK)) {
                    client.ack(progress.ackable(replId, startOffset, reader.offset()));
                }
            } else if (Commands.is(name, Commands.MULTI)) {
                int txDb = db;
                List<byte[][]> block = new ArrayList<>();
                byte[] key = null;
                while (true) {
                    byte[][] c = reader.next();
                    if (Commands.is(c[0], Commands.EXEC)) break;
                    if (Commands.is(c[0], Commands.SELECT)) db = Commands.parseInt(c[1]);
                    else if (key == null) key = CommandTable.firstKey(c);
                    block.add(c);
                }
                if (!block.isEmpty()) {
                    queue.add(RedisEvent.transaction(splitId, reader.offset(), txDb, key, block.toArray(new byte[0][][])));
                }
            } else {
                byte[] key = CommandTable.firstKey(args);
                if (heartbeatPrefix != null && args.length >= 3 && Heartbeat.isHeartbeat(key, heartbeatPrefix)) {
                    if (Commands.is(name, Commands.SET)) {
                        queue.add(RedisEvent.control(splitId, reader.offset(), db, RedisEvent.HEARTBEAT,
                                new String(args[2], StandardCharsets.US_ASCII)));
                    }
                } else {
                    if (CommandTable.of(name).kind() == CommandSpec.Kind.UNKNOWN) {
                        metrics.unknownCommands.inc();
                        if (unknownLogged++ < 10) {
                            LOG.warn("{}: passing through a command this version does not know: {}", splitId,
                                    new String(name, StandardCharsets.US_ASCII));
                        }
                    }
                    queue.add(RedisEvent.streamCommand(splitId, reader.offset(), db, key, args));
                }
            }
            offset = reader.offset();
            progress.readOffset = offset;
            if (!reader.hasBuffered()) {
                queue.publish(); // nothing more arrived: hand over what we have now, for latency
                long now = System.currentTimeMillis();
                if (now - lastAck >= 100) {
                    client.ack(progress.ackable(replId, startOffset, reader.offset()));
                    lastAck = now;
                }
            }
        }
    }

    /** Parses the RDB into events; with {@code keep} false (--mode incremental) the keys are read and dropped. */
    private RdbParser readSnapshot(SyncStart start, boolean keep) throws Exception {
        String splitId = split.splitId();
        long at = start.offset();
        RdbParser[] parsing = new RdbParser[1];
        long[] keys = new long[1];
        RdbHandler handler = !keep ? new RdbHandler() {
            @Override public void onRestore(int db, byte[] key, long expireAtMs, byte[] payload, String moduleType) {
                keyParsed(parsing[0], ++keys[0]);
            }
            @Override public void onCommand(int db, byte[] key, byte[][] args, boolean keyStart) {
                if (keyStart) keyParsed(parsing[0], ++keys[0]);
            }
        } : new RdbHandler() {
            @Override
            public void onRestore(int db, byte[] key, long expireAtMs, byte[] payload, String moduleType) throws IOException {
                put(RedisEvent.restore(splitId, at, db, key, expireAtMs, payload, moduleType));
                keyParsed(parsing[0], ++keys[0]);
            }

            @Override
            public void onCommand(int db, byte[] key, byte[][] args, boolean keyStart) throws IOException {
                put(keyStart ? RedisEvent.keyStartCommand(splitId, at, db, key, args) : RedisEvent.command(splitId, at, db, key, args));
                if (keyStart) keyParsed(parsing[0], ++keys[0]);
            }

            @Override
            public void onFunction(byte[] code) throws IOException {
                put(RedisEvent.command(splitId, at, 0, null, new byte[][] {FUNCTION_LOAD[0], FUNCTION_LOAD[1], FUNCTION_LOAD[2], code}));
            }

            @Override
            public void onScript(byte[] body) throws IOException {
                put(RedisEvent.command(splitId, at, 0, null, new byte[][] {b("SCRIPT"), b("LOAD"), body}));
            }
        };
        RdbParser parser = new RdbParser(client.rdbStream(), handler, config.parser());
        parsing[0] = parser;
        progress.snapshotBytesTotal = client.announcedRdbLength();
        parser.parse();
        progress.snapshotKeys = keys[0];
        progress.snapshotBytes = parser.position();
        progress.snapshotBytesTotal = parser.position();
        progress.snapshotEndMs = System.currentTimeMillis();
        LOG.info("{}: snapshot parsed: {} bytes, {} keys as RESTORE ({} re-labelled for an older target), {} strings as SET,"
                + " {} decoded into commands, {} already expired", splitId, parser.position(), parser.keysRestored(),
                parser.keysRelabelled(), parser.keysSet(), parser.keysDecoded(), parser.keysExpired());
        return parser;
    }

    /** Progress every 256 keys (the metrics read it; a volatile write per key would cost on the hot path). */
    private void keyParsed(RdbParser parser, long keys) {
        if ((keys & 255) != 0) return;
        progress.snapshotKeys = keys;
        progress.snapshotBytes = parser.position();
        if (progress.snapshotBytesTotal < 0) progress.snapshotBytesTotal = client.announcedRdbLength();
    }

    private void put(RedisEvent e) throws IOException {
        try {
            queue.add(e);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    void stop() {
        stopped = true;
        if (heartbeat != null) heartbeat.stop();
        queue.close();
        thread.interrupt();
        closeClient();
    }

    private void closeClient() {
        ReplicationClient c = client;
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
