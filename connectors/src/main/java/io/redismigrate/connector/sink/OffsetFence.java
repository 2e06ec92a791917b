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

    public static byte[] key(String splitId) {
        return (PREFIX + splitId).getBytes(StandardCharsets.UTF_8);
    }

    /** Reads every fence on the destination: split id → offset. */
    static Map<String, Long> load(RedisEndpoint target, int timeoutMs) throws IOException {
        Map<String, Long> fences = new HashMap<>();
        try (RedisConnection c = RedisConnection.open(target, "target", timeoutMs)) {
            Object r = c.call("SELECT", String.valueOf(DB));
            if (r instanceof RespError) throw new IOException("target " + target + ": SELECT 0 failed: " + r);
            String cursor = "0";
            do {
                Object reply = c.call("SCAN", cursor, "MATCH", PREFIX + "*", "COUNT", "1000");
                if (reply instanceof RespError) throw new IOException("target " + target + ": SCAN failed: " + reply);
                List<?> page = (List<?>) reply;
                cursor = RespReader.text(page.get(0));
                for (Object k : (List<?>) page.get(1)) {
                    String key = RespReader.text(k);
                    Object v = c.call("GET", key);
                    if (v instanceof byte[]) {
                        fences.put(key.substring(PREFIX.length()), Long.parseLong(RespReader.text(v).trim()));
                    }
                }
            } while (!"0".equals(cursor));
        }
        return fences;
    }
}
