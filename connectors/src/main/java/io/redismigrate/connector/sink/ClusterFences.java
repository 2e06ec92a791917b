package io.redismigrate.connector.sink;

import io.redismigrate.connector.event.Slots;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.resp.RespReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exactly-once fences on a cluster destination. A MULTI/EXEC there must stay in one slot, so the fence is per
 * (source split, destination slot): {@code __redis_migrate:fence:{<tag>}:<split>} holds the offset of the last
 * stream command of that split applied to that slot, where {@code <tag>} is a short string hashing to the slot
 * (a table built once by brute force). Keys refreshed from the source (cross-slot commands) have a per-key fence
 * in {@code __redis_migrate:kfence:{<tag>}:<split>} (hash: key → source offset the value was read at).
 */
final class ClusterFences {
    static final String FENCE_PREFIX = OffsetFence.PREFIX;
    static final String KFENCE_PREFIX = "__redis_migrate:kfence:";

    private ClusterFences() {}

    /** A short string whose hash slot is {@code slot}. */
    static String tag(int slot) {
        return io.redismigrate.connector.event.SlotTags.tag(slot);
    }

    static byte[] fenceKey(int slot, String split) {
        return (FENCE_PREFIX + "{" + tag(slot) + "}:" + split).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] keyFenceKey(int slot, String split) {
        return (KFENCE_PREFIX + "{" + tag(slot) + "}:" + split).getBytes(StandardCharsets.UTF_8);
    }

    /** Split id of a tagged fence key ({@code <prefix>{tag}:<split>}), or null for another key. */
    static String splitOf(String key, String prefix) {
        if (!key.startsWith(prefix + "{")) return null;
        int close = key.indexOf("}:", prefix.length());
        return close < 0 ? null : key.substring(close + 2);
    }

    /** Loaded state: split → slot → offset, and split → slot → (key → offset). */
    static final class Loaded {
        final Map<String, long[]> fences = new HashMap<>();
        final Map<String, Map<Integer, Map<ByteKey, Long>>> keyFences = new HashMap<>();
    }

    /** Reads every fence of one master into {@code into}. */
    static void load(RedisConnection c, Loaded into) throws IOException {
        String cursor = "0";
        do {
            Object reply = c.call("SCAN", cursor, "MATCH", "__redis_migrate:*", "COUNT", "1000");
            if (reply instanceof RespError) throw new IOException("target " + c.endpoint() + ": SCAN failed: " + reply);
            List<?> page = (List<?>) reply;
            cursor = RespReader.text(page.get(0));
            for (Object k : (List<?>) page.get(1)) {
                byte[] keyBytes = (byte[]) k;
                String key = new String(keyBytes, StandardCharsets.UTF_8);
                int slot = Slots.slot(keyBytes);
                String split = splitOf(key, FENCE_PREFIX);
                if (split != null) {
                    Object v = c.call("GET", key);
                    if (v instanceof byte[]) {
                        into.fences.computeIfAbsent(split, s -> newFences())[slot] = Long.parseLong(RespReader.text(v).trim());
                    }
                    continue;
                }
                split = splitOf(key, KFENCE_PREFIX);
                if (split != null) {
                    Object v = c.call(new byte[][] {"HGETALL".getBytes(StandardCharsets.US_ASCII), keyBytes});
                    if (v instanceof List) {
                        List<?> kv = (List<?>) v;
                        Map<ByteKey, Long> m = into.keyFences.computeIfAbsent(split, s -> new HashMap<>())
                                .computeIfAbsent(slot, s -> new HashMap<>());
                        for (int i = 0; i + 1 < kv.size(); i += 2) {
                            m.put(new ByteKey((byte[]) kv.get(i)), Long.parseLong(RespReader.text(kv.get(i + 1)).trim()));
                        }
                    }
                }
            }
        } while (!"0".equals(cursor));
    }

    static long[] newFences() {
        long[] f = new long[Slots.SLOT_COUNT];
        java.util.Arrays.fill(f, -1L);
        return f;
    }

    /** A byte[] usable as a map key. */
    static final class ByteKey {
        final byte[] bytes;
        private final int hash;

        ByteKey(byte[] bytes) {
            this.bytes = bytes;
            this.hash = java.util.Arrays.hashCode(bytes);
        }

        @Override public int hashCode() { return hash; }
        @Override public boolean equals(Object o) {
            return o instanceof ByteKey && java.util.Arrays.equals(bytes, ((ByteKey) o).bytes);
        }
    }
}
