package io.redismigrate.connector.sink;

import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.resp.RespReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The exactly-once fence of the stream phase: per source split, a key in DB 0 of the destination holding the
 * replication offset of the last command applied. The sink writes it inside the same MULTI/EXEC as the batch it
 * covers, so the destination's data and its fence always agree; after a crash the sink reads the fences back and
 * skips replayed commands at or below them.
 */
public final class OffsetFence {
    /** Key prefix of fence keys; `redis-migrate cleanup`-style removal: {@code SCAN MATCH __redis_migrate:fence:*}. */
    public static final String PREFIX = "__redis_migrate:fence:";
    static final int DB = 0;

    private OffsetFence() {}

    /** Prefix of the per-key fences of refreshed keys (hash: {@code <target db>:<key>} → source offset read at). */
    public static final String KEY_FENCE_PREFIX = "__redis_migrate:kfence:";

    static byte[] keyFenceKey(String splitId) {
        return (KEY_FENCE_PREFIX + splitId).getBytes(StandardCharsets.UTF_8);
    }

    /** A key fence's hash field: the target DB and the key. */
    static byte[] keyFenceField(int db, byte[] key) {
        byte[] d = (db + ":").getBytes(StandardCharsets.US_ASCII);
        byte[] f = java.util.Arrays.copyOf(d, d.length + key.length);
        System.arraycopy(key, 0, f, d.length, key.length);
        return f;
    }

    /** Reads every split's key fences on a standalone destination: split → (db:key field → offset). */
    static Map<String, Map<ClusterFences.ByteKey, Long>> loadKeyFences(RedisEndpoint target, int timeoutMs) throws IOException {
        Map<String, Map<ClusterFences.ByteKey, Long>> out = new HashMap<>();
        scan(target, timeoutMs, KEY_FENCE_PREFIX, (c, key) -> {
            if (key.startsWith(KEY_FENCE_PREFIX + "{")) return; // a cluster target's (tagged) key fence
            Object v = c.call("HGETALL", key);
            if (!(v instanceof List)) return;
            Map<ClusterFences.ByteKey, Long> m = out.computeIfAbsent(key.substring(KEY_FENCE_PREFIX.length()), s -> new HashMap<>());
            List<?> flat = (List<?>) v;
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                m.put(new ClusterFences.ByteKey((byte[]) flat.get(i)), Long.parseLong(RespReader.text(flat.get(i + 1)).trim()));
            }
        });
        return out;
    }

    private interface KeyVisitor {
        void visit(RedisConnection c, String key) throws IOException;
    }

    /** SCANs DB 0 of the destination for keys starting with {@code prefix}. */
    private static void scan(RedisEndpoint target, int timeoutMs, String prefix, KeyVisitor visitor) throws IOException {
        try (RedisConnection c = RedisConnection.open(target, "target", timeoutMs)) {
            Object r = c.call("SELECT", String.valueOf(DB));
            if (r instanceof RespError) throw new IOException("target " + target + ": SELECT 0 failed: " + r);
            String cursor = "0";
            do {
                Object reply = c.call("SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000");
                if (reply instanceof RespError) throw new IOException("target " + target + ": SCAN failed: " + reply);
                List<?> page = (List<?>) reply;
                cursor = RespReader.text(page.get(0));
                for (Object k : (List<?>) page.get(1)) visitor.visit(c, RespReader.text(k));
            } while (!"0".equals(cursor));
        }
    }

    public static byte[] key(String splitId) {
        return (PREFIX + splitId).getBytes(StandardCharsets.UTF_8);
    }

    /** Reads every fence on the destination: split id → offset. */
    static Map<String, Long> load(RedisEndpoint target, int timeoutMs) throws IOException {
        Map<String, Long> fences = new HashMap<>();
        scan(target, timeoutMs, PREFIX, (c, key) -> {
            Object v = c.call("GET", key);
            if (v instanceof byte[]) fences.put(key.substring(PREFIX.length()), Long.parseLong(RespReader.text(v).trim()));
        });
        return fences;
    }
}
