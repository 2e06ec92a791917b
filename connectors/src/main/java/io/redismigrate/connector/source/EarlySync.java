package io.redismigrate.connector.source;

import io.redismigrate.connector.logging.LogContext;
import io.redismigrate.connector.replication.ReplicationClient;
import io.redismigrate.connector.replication.ReplicationConfig;
import io.redismigrate.connector.replication.SyncStart;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A full sync started before the Flink runtime is up: an embedded run asks the source for its snapshot
 * ({@code PSYNC ? -1}, which starts the source's BGSAVE) while the MiniCluster starts and the job deploys, seconds
 * that a native replica does not spend. The replication client spools what arrives; the reader's session of the
 * node's fresh split takes it over ({@link #take}) instead of connecting, so nothing changes downstream: the same
 * PSYNC, only sooner. Only within one JVM; a sync nobody takes is closed by {@link #discardAll}.
 */
public final class EarlySync {
    private static final Logger LOG = LoggerFactory.getLogger(EarlySync.class);
    private static final Map<String, CompletableFuture<Started>> STARTED = new ConcurrentHashMap<>();

    /** A started sync: the client (spooling), how the source answered, and its key count just before. */
    public record Started(ReplicationClient client, SyncStart start, long keyCount) {}

    private EarlySync() {}

    /** Connects to {@code node} and sends {@code PSYNC ? -1} on a thread of its own; returns at once. */
    public static void start(RedisEndpoint node, ReplicationConfig config) {
        CompletableFuture<Started> f = new CompletableFuture<>();
        CompletableFuture<Started> before = STARTED.put(key(node), f);
        if (before != null) close(before);
        LogContext.daemon(() -> {
            ReplicationClient client = null;
            try {
                long keys = keyCount(node, config.connectTimeoutMs());
                client = ReplicationClient.connect(node, config);
                f.complete(new Started(client, client.psync("?", -1), keys));
            } catch (Throwable t) {
                if (client != null) closeQuietly(client);
                f.completeExceptionally(t);
            }
        }, "redis-migrate-early-sync " + key(node)).start();
    }

    /**
     * The sync started early for {@code node}, once; null when there is none or it failed (the caller then
     * connects itself and reports any failure in its own words).
     */
    public static Started take(RedisEndpoint node) throws InterruptedException {
        CompletableFuture<Started> f = STARTED.remove(key(node));
        if (f == null) return null;
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.debug("{}: the early sync failed ({}); connecting again", key(node), e.getCause().toString());
            return null;
        }
    }

    /** Closes every sync nobody took (the job failed before its reader started, or no reader wanted it). */
    public static void discardAll() {
        for (String k : STARTED.keySet()) {
            CompletableFuture<Started> f = STARTED.remove(k);
            if (f != null) close(f);
        }
    }

    /**
     * The keys on {@code node} now ({@code INFO keyspace}): a snapshot's total when the transfer does not announce
     * its length (diskless). -1 when the node does not say (ACL).
     */
    public static long keyCount(RedisEndpoint node, int timeoutMs) {
        try (RedisConnection c = RedisConnection.open(node, "source", timeoutMs)) {
            long keys = 0;
            for (String v : c.info("keyspace").values()) { // db0 -> keys=1,expires=0,avg_ttl=0
                int at = v.indexOf("keys=");
                if (at < 0) continue;
                int end = v.indexOf(',', at);
                keys += Long.parseLong(v.substring(at + 5, end < 0 ? v.length() : end).trim());
            }
            return keys;
        } catch (Exception e) {
            LOG.debug("{}: no key count from INFO keyspace: {}", key(node), e.toString());
            return -1;
        }
    }

    private static void close(CompletableFuture<Started> f) {
        f.thenAccept(s -> closeQuietly(s.client()));
    }

    private static void closeQuietly(ReplicationClient c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static String key(RedisEndpoint node) {
        return node.host() + ":" + node.port();
    }
}
