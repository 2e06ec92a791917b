package io.redismigrate.job.testutils;

import io.redismigrate.connector.testutils.RedisServer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Helpers for end-to-end tests of {@code run}: arguments, catching up, and source/destination equality. */
public final class Migrations {
    /** Prefix of the sink's fence keys (see OffsetFence). */
    public static final String FENCE_PREFIX = "__redis_migrate:fence:";
    /** A key the tests bump on the source to push the replication stream past trailing PINGs. */
    public static final String MARKER = "__test:caught-up-marker";

    private Migrations() {}

    /**
     * {@code run} arguments for full+incremental (unless {@code extra} gives a --mode) with 1 s checkpoints and no web
     * UI (unless {@code extra} gives a --web-ui-port), plus {@code extra}; exact TTLs
     * ({@code --ttl-margin 0s}, which {@link #assertEqual} checks ±1 s) unless {@code extra} gives a --ttl-margin.
     */
    public static String[] runArgs(RedisServer source, RedisServer target, String... extra) {
        List<String> a = new ArrayList<>(List.of("run", "--source", source.uri(), "--target", target.uri(),
                "--checkpoint-interval", "1s"));
        if (!List.of(extra).contains("--web-ui-port")) a.addAll(List.of("--web-ui-port", "0"));
        if (!List.of(extra).contains("--mode")) a.addAll(List.of("--mode", "full+incremental"));
        if (!List.of(extra).contains("--ttl-margin")) a.addAll(List.of("--ttl-margin", "0s"));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    public static String splitId(RedisServer source) {
        return "127.0.0.1:" + source.port();
    }

    /** The target's fence offset for {@code source}, or -1 without one. */
    public static long fence(RedisServer source, RedisServer target) {
        target.sync().select(0);
        String v = target.sync().get(FENCE_PREFIX + splitId(source));
        return v == null ? -1 : Long.parseLong(v);
    }

    public static long masterOffset(RedisServer source) {
        return Long.parseLong(info(source, "replication").get("master_repl_offset"));
    }

    public static Map<String, String> info(RedisServer server, String section) {
        Map<String, String> m = new TreeMap<>();
        for (String line : server.sync().info(section).split("\r?\n")) {
            int i = line.indexOf(':');
            if (i > 0 && !line.startsWith("#")) m.put(line.substring(0, i), line.substring(i + 1).trim());
        }
        return m;
    }

    public static long stat(RedisServer server, String name) {
        return Long.parseLong(info(server, "stats").get(name));
    }

    /**
     * Waits until the destination has applied the source's stream up to the source's current offset: the fence
     * reaches {@code master_repl_offset}. The source appends PINGs (every 10 s) that carry no write and so never
     * move the fence; when one lands after the last write, a write to {@link #MARKER} (in DB 0) moves the stream
     * on and the wait starts again.
     */
    public static void awaitCaughtUp(RedisServer source, RedisServer target, Duration timeout, JobProcess job)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        source.sync().select(0);
        source.sync().incr(MARKER);
        long want = masterOffset(source);
        long lastMove = System.nanoTime();
        long lastFence = -2;
        while (System.nanoTime() < deadline) {
            long f = fence(source, target);
            if (f >= want) return;
            if (job != null && !job.isAlive()) throw new AssertionError("the job exited while catching up\n" + job.output());
            if (f != lastFence) {
                lastFence = f;
                lastMove = System.nanoTime();
            } else if (System.nanoTime() - lastMove > 3_000_000_000L) {
                // stuck below: maybe only a PING is left; write the marker again to move the stream on
                source.sync().select(0);
                source.sync().incr(MARKER);
                want = masterOffset(source);
                lastMove = System.nanoTime();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not caught up within " + timeout + ": fence " + fence(source, target) + " < source offset "
                + want + (job == null ? "" : "\n" + job.output()));
    }

    /** Prefix of the heartbeat key the job writes on the source (default --heartbeat-key-prefix). */
    public static final String HEARTBEAT_PREFIX = "__redis_migrate:heartbeat";

    /**
     * Removes the job's heartbeat keys from the source once the job has stopped: written in DB 0, but a SWAPDB or
     * MOVE on the source can carry one into another DB.
     */
    public static void dropHeartbeats(RedisServer source) {
        int dbs = Integer.parseInt(source.sync().configGet("databases").get("databases"));
        for (int db = 0; db < dbs; db++) {
            source.sync().select(db);
            for (String k : source.sync().keys(HEARTBEAT_PREFIX + "*")) source.sync().del(k);
        }
        source.sync().select(0);
    }

    private static void awaitReplicaHasNoHeartbeat(RedisServer replica) {
        replica.sync().select(0);
        long deadline = System.currentTimeMillis() + 10_000;
        while (!replica.sync().keys(HEARTBEAT_PREFIX + "*").isEmpty() && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Removes the fence keys and the key fences of refreshed keys (DB 0) from a destination whose job has stopped. */
    public static void dropFences(RedisServer target) {
        target.sync().select(0);
        for (String k : target.sync().keys(FENCE_PREFIX + "*")) target.sync().del(k);
        for (String k : target.sync().keys("__redis_migrate:kfence:*")) target.sync().del(k);
    }

    /**
     * With the job stopped: drops the fences, then asserts DEBUG DIGEST (keys, types, values, whether a TTL is
     * set, every DB), the keyspace per DB, the expiry of every key with a TTL (±1 s: PEXPIRETIME, or PTTL before
     * Redis 7.0), consumer groups and pending entries of every stream, and the function libraries (Redis 7.0+).
     */
    public static void assertEqual(RedisServer source, RedisServer target) {
        assertEqual(source, target, null);
    }

    /**
     * As {@link #assertEqual(RedisServer, RedisServer)}, but the consumer groups' {@code entries-read} and {@code lag}
     * are expected as on {@code replica}, a native replica of the source, when given. Redis 7.0 does not replicate
     * {@code entries-read} (XREADGROUP propagates XCLAIM … LASTID without it), so a group read during the stream
     * phase shows {@code entries-read nil} on every replica; the destination cannot do better from the stream.
     */
    public static void assertEqual(RedisServer source, RedisServer target, RedisServer replica) {
        dropFences(target);
        dropHeartbeats(source);
        if (replica != null) awaitReplicaHasNoHeartbeat(replica);
        assertEquals(keyspace(source), keyspace(target), "INFO keyspace");
        assertEquals(source.digest(), target.digest(), "DEBUG DIGEST");
        int dbs = Integer.parseInt(source.sync().configGet("databases").get("databases"));
        for (int db = 0; db < dbs; db++) {
            source.sync().select(db);
            target.sync().select(db);
            if (source.sync().dbsize() == 0) continue;
            for (String key : source.sync().keys("*")) {
                long pttl = source.sync().pttl(key);
                if (pttl > 0) assertSameExpiry(source, target, key, db);
                if (source.serverVersion().hashFieldTtl() && target.serverVersion().hashFieldTtl()
                        && "hash".equals(source.sync().type(key))) {
                    assertSameFieldExpiry(source, target, key, db);
                }
                if ("stream".equals(source.sync().type(key))) assertStreamMeta(source, target, replica, key, db);
            }
        }
        source.sync().select(0);
        target.sync().select(0);
        if (source.serverVersion().hasFunctions() && target.serverVersion().hasFunctions()) {
            assertEquals(libraries(source), libraries(target), "FUNCTION LIST");
        }
    }

    /** HPEXPIRETIME of every field of a hash (Redis 7.4+): -1 on both sides, or within 1 s. */
    private static void assertSameFieldExpiry(RedisServer source, RedisServer target, String key, int db) {
        List<String> fields = source.sync().hkeys(key);
        if (fields.isEmpty()) return;
        List<String> args = new ArrayList<>(List.of("HPEXPIRETIME", key, "FIELDS", String.valueOf(fields.size())));
        args.addAll(fields);
        List<Object> s = source.call(args.toArray(new String[0]));
        List<Object> t = target.call(args.toArray(new String[0]));
        for (int i = 0; i < fields.size(); i++) {
            long a = ((Number) s.get(i)).longValue();
            long b = ((Number) t.get(i)).longValue();
            assertTrue(a == b || (a > 0 && b > 0 && Math.abs(a - b) <= 1000),
                    "HPEXPIRETIME of db" + db + " " + key + " field " + fields.get(i) + ": source " + a + ", target " + b);
        }
    }

    /**
     * The key's absolute expiry time on both sides within 1 s: PEXPIRETIME where both servers have it (Redis 7.0+,
     * Valkey); before 7.0 the time of the PTTL reply plus PTTL (each call's round trip added to the tolerance).
     */
    private static void assertSameExpiry(RedisServer source, RedisServer target, String key, int db) {
        String what = "db" + db + " " + key;
        if (source.serverVersion().hasFunctions() && target.serverVersion().hasFunctions()) {
            long s = ((Number) source.call("PEXPIRETIME", key).get(0)).longValue();
            long t = ((Number) target.call("PEXPIRETIME", key).get(0)).longValue();
            assertTrue(t > 0 && Math.abs(s - t) <= 1000, "PEXPIRETIME of " + what + ": source " + s + ", target " + t);
            return;
        }
        long s0 = System.currentTimeMillis();
        long sp = source.sync().pttl(key);
        long s1 = System.currentTimeMillis();
        long tp = target.sync().pttl(key);
        long t1 = System.currentTimeMillis();
        // the expiry is between (send time + pttl) and (reply time + pttl) of each call
        long s = s0 + sp;
        long t = s1 + tp;
        long slack = (s1 - s0) + (t1 - s1);
        assertTrue(sp > 0 && tp > 0 && Math.abs(s - t) <= 1000 + slack,
                "expiry (PTTL) of " + what + ": source " + s + " (pttl " + sp + "), target " + t + " (pttl " + tp + ")");
    }

    private static void assertStreamMeta(RedisServer source, RedisServer target, RedisServer replica, String key, int db) {
        String where = "db" + db + " " + key + ": ";
        RedisServer expected = source;
        if (replica != null) {
            replica.sync().select(db);
            expected = replica;
            // apart from entries-read and lag, the replica's groups are the source's
            assertEquals(source.call("XINFO", "GROUPS", key).toString().replaceAll("entries-read, [^,]*, lag, [^\\]]*", ""),
                    replica.call("XINFO", "GROUPS", key).toString().replaceAll("entries-read, [^,]*, lag, [^\\]]*", ""),
                    where + "XINFO GROUPS of the native replica");
        }
        assertEquals(expected.call("XINFO", "GROUPS", key).toString(), target.call("XINFO", "GROUPS", key).toString(), where + "XINFO GROUPS");
        List<Object> groups = source.call("XINFO", "GROUPS", key);
        for (Object g : groups) {
            List<?> fields = (List<?>) (g instanceof List && ((List<?>) g).size() == 1 && ((List<?>) g).get(0) instanceof List ? ((List<?>) g).get(0) : g);
            String name = String.valueOf(fields.get(fields.indexOf("name") + 1));
            assertEquals(source.call("XPENDING", key, name).toString(), target.call("XPENDING", key, name).toString(), where + "XPENDING " + name);
            assertEquals(pendingIds(source, key, name), pendingIds(target, key, name), where + "pending entries of " + name);
        }
        assertEquals(streamInfo(source, key), streamInfo(target, key), where + "XINFO STREAM");
    }

    /** FUNCTION LIST WITHCODE, one entry per library, sorted (the server lists them in hash table order). */
    private static List<String> libraries(RedisServer s) {
        List<String> out = new ArrayList<>();
        for (Object lib : s.call("FUNCTION", "LIST", "WITHCODE")) out.add(String.valueOf(lib));
        out.sort(null);
        return out;
    }

    /** XINFO STREAM without the radix tree's shape (an encoding detail). */
    private static Map<String, String> streamInfo(RedisServer s, String key) {
        List<Object> flat = s.call("XINFO", "STREAM", key);
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            String k = String.valueOf(flat.get(i));
            if (!k.startsWith("radix-tree")) m.put(k, String.valueOf(flat.get(i + 1)));
        }
        return m;
    }

    /** Pending entries as id/consumer/delivery-count (idle times differ by nature). */
    private static List<String> pendingIds(RedisServer s, String key, String group) {
        List<String> out = new ArrayList<>();
        for (Object e : s.call("XPENDING", key, group, "-", "+", "100000")) {
            List<?> entry = (List<?>) e;
            out.add(entry.get(0) + "/" + entry.get(1) + "/" + entry.get(3));
        }
        return out;
    }

    /** INFO keyspace without the expires and avg_ttl details: db → key count. */
    public static Map<String, String> keyspace(RedisServer server) {
        Map<String, String> m = new TreeMap<>();
        for (Map.Entry<String, String> e : info(server, "keyspace").entrySet()) {
            m.put(e.getKey(), e.getValue().replaceAll(",avg_ttl=\\d+", ""));
        }
        return m;
    }
}
