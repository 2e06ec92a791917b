package io.redismigrate.connector.source.reader;

import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.rdb.RdbHandler;
import io.redismigrate.connector.rdb.RdbParser;
import io.redismigrate.connector.replication.ReplicationClient;
import io.redismigrate.connector.replication.SyncStart;
import io.redismigrate.connector.source.RedisSourceConfig;
import io.redismigrate.connector.source.SyncMode;
import io.redismigrate.connector.source.split.RedisSplit;
import io.redismigrate.connector.source.split.SplitPhase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Replication of one split on its own thread: PSYNC, then the RDB through {@link RdbParser} into an
 * {@link EventQueue}. Parsing runs apart from the fetcher so a big key decoded into many commands streams through
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
    private volatile boolean stopped;

    private volatile String replId;
    private volatile long offset;

    ReplicationSession(RedisSplit split, RedisSourceConfig config, SessionMetrics metrics) {
        this.split = split;
        this.config = config;
        this.metrics = metrics;
        this.queue = new EventQueue(config.queueBytes());
        this.thread = new Thread(this, "redis-replication-" + split.splitId());
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
            client = ReplicationClient.connect(split.node(), config.replication());
            SyncStart start = client.psync(split.replId(), split.phase() == SplitPhase.STREAM ? split.offset() + 1 : -1);
            replId = start.replId();
            offset = start.offset();
            if (start.kind() == SyncStart.Kind.FULL) {
                LOG.info("{}: full sync from offset {} (replication id {})", split.splitId(), start.offset(), start.replId());
                readSnapshot(start);
            }
            if (config.mode() == SyncMode.FULL) {
                queue.end();
                return;
            }
            throw new IOException("the incremental phase (--mode full+incremental / incremental) is not available in this "
                    + "version; run with --mode full");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            if (!stopped) queue.fail(t);
        } finally {
            closeClient();
        }
    }

    private void readSnapshot(SyncStart start) throws Exception {
        String splitId = split.splitId();
        long at = start.offset();
        RdbParser parser = new RdbParser(client.rdbStream(), new RdbHandler() {
            @Override
            public void onRestore(int db, byte[] key, long expireAtMs, byte[] payload, String moduleType) throws IOException {
                put(RedisEvent.restore(splitId, at, db, key, expireAtMs, payload, moduleType));
                metrics.keys.inc();
            }

            @Override
            public void onCommand(int db, byte[] key, byte[][] args, boolean keyStart) throws IOException {
                put(keyStart ? RedisEvent.keyStartCommand(splitId, at, db, key, args) : RedisEvent.command(splitId, at, db, key, args));
            }

            @Override
            public void onFunction(byte[] code) throws IOException {
                put(RedisEvent.command(splitId, at, 0, null, new byte[][] {FUNCTION_LOAD[0], FUNCTION_LOAD[1], FUNCTION_LOAD[2], code}));
            }

            @Override
            public void onScript(byte[] body) throws IOException {
                put(RedisEvent.command(splitId, at, 0, null, new byte[][] {b("SCRIPT"), b("LOAD"), body}));
            }
        }, config.parser());
        parser.parse();
        metrics.keys.inc(parser.keysDecoded());
        LOG.info("{}: snapshot parsed: {} bytes, {} keys as RESTORE, {} decoded into commands, {} already expired",
                splitId, parser.position(), parser.keysRestored(), parser.keysDecoded(), parser.keysExpired());
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
