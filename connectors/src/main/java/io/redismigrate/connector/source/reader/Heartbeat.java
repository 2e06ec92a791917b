package io.redismigrate.connector.source.reader;

import io.redismigrate.connector.event.Slots;
import io.redismigrate.connector.logging.LogContext;
import io.redismigrate.connector.progress.Progress;
import io.redismigrate.connector.resp.ClusterTopology;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.source.split.RedisSplit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Once a second: reads the source's {@code master_repl_offset} (for the lag) and writes
 * {@code SET <prefix>:<split> <now-ms> PX 60000} on the source (on a cluster shard: its master, the key with a hash
 * tag of the shard, see {@link #key}). The write travels through the replication stream
 * and comes back as a HEARTBEAT event: end-to-end latency, and the offset keeps moving on an idle source. The key
 * is never written to the destination. A source that refuses the write (read-only replica, ACL) only loses the
 * latency measurement.
 */
final class Heartbeat implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final RedisEndpoint source;
    private final String key;
    private final Progress.SplitProgress progress;
    private final Thread thread;
    private volatile boolean stopped;

    Heartbeat(RedisEndpoint source, String key, String splitId) {
        this.source = source;
        this.key = key;
        this.progress = Progress.of(splitId);
        this.thread = LogContext.daemon(this, "redis-heartbeat-" + splitId);
        this.thread.setDaemon(true);
    }

    /**
     * The heartbeat key of a split: {@code <prefix>:<split id>}; for a cluster shard {@code <prefix>:{<tag>}<split id>}
     * with a hash tag whose slot the shard serves, so the key lands on (and replicates through) that shard.
     */
    static String key(String prefix, RedisSplit split) {
        if (split.slots() == null) return prefix + ":" + split.splitId();
        List<int[]> ranges = ClusterTopology.parseRanges(split.slots());
        return prefix + ":{" + hashTag(ranges) + "}" + split.splitId();
    }

    /** The smallest decimal number whose slot lies in {@code ranges} (a tag exists for any non-empty set). */
    static String hashTag(List<int[]> ranges) {
        for (int i = 0; ; i++) {
            byte[] tag = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
            int slot = Slots.crc16(tag, 0, tag.length) & (Slots.SLOT_COUNT - 1);
            for (int[] r : ranges) if (slot >= r[0] && slot <= r[1]) return Integer.toString(i);
        }
    }

    static boolean isHeartbeat(byte[] key, byte[] prefix) {
        if (key == null || key.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (key[i] != prefix[i]) return false;
        return true;
    }

    void start() {
        thread.start();
    }

    void stop() {
        stopped = true;
        thread.interrupt();
    }

    @Override
    public void run() {
        boolean canWrite = true;
        RedisConnection c = null;
        while (!stopped) {
            try {
                if (c == null) {
                    c = RedisConnection.open(source, "source", RedisConnection.DEFAULT_CONNECT_TIMEOUT_MS);
                    c.call("SELECT", "0");
                }
                Map<String, String> repl = c.info("replication");
                String off = repl.get("master_repl_offset");
                if (off != null) progress.sourceOffset = Long.parseLong(off.trim());
                if (canWrite) {
                    Object r = c.call("SET", key, Long.toString(System.currentTimeMillis()), "PX", "60000");
                    if (r instanceof RespError) {
                        canWrite = false;
                        LOG.warn("source {}: cannot write the heartbeat key ({}); latency will not be measured", source, r);
                    }
                }
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                closeQuietly(c);
                c = null;
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
        closeQuietly(c);
    }

    private static void closeQuietly(RedisConnection c) {
        try {
            if (c != null) c.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
