package io.redismigrate.job.testutils;

import io.redismigrate.connector.testutils.RedisServer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Equality of a target with the source's scope, key by key: every key of a source DB in scope that passes the
 * filters exists in its target DB with the same type, value ({@code DEBUG DIGEST-VALUE}) and TTL (±1.5 s), and
 * the target holds nothing else (the tool's keys apart). Works for a standalone or a cluster target (each key is
 * read on the node {@code nodeFor} names).
 */
public final class ScopeCheck {
    private ScopeCheck() {}

    public static void assertScopeEqual(RedisServer source, List<Integer> dbs, IntUnaryOperator targetDb,
                                        Predicate<String> keyInScope, List<RedisServer> targetNodes,
                                        Function<String, RedisServer> nodeFor) {
        Map<Integer, Long> expected = new TreeMap<>();
        List<String> diffs = new ArrayList<>();
        for (int db : dbs) {
            source.sync().select(db);
            int t = targetDb.applyAsInt(db);
            for (String key : source.sync().keys("*")) {
                if (isToolKey(key) || !keyInScope.test(key)) continue;
                expected.merge(t, 1L, Long::sum);
                RedisServer node = nodeFor.apply(key);
                select(node, t);
                String type = source.sync().type(key);
                String got = node.sync().type(key);
                if (!type.equals(got)) {
                    diffs.add("db" + db + " " + key + ": type " + type + " on the source, " + got + " on target db" + t);
                    continue;
                }
                Object a = source.call("DEBUG", "DIGEST-VALUE", key).get(0);
                Object b = node.call("DEBUG", "DIGEST-VALUE", key).get(0);
                if (!String.valueOf(a).equals(String.valueOf(b))) diffs.add("db" + db + " " + key + ": value differs");
                long sp = source.sync().pttl(key);
                long tp = node.sync().pttl(key);
                if ((sp < 0) != (tp < 0) || Math.abs(sp - tp) > 1500) diffs.add("db" + db + " " + key + ": PTTL " + sp + " vs " + tp);
            }
        }
        Map<Integer, Long> actual = new TreeMap<>();
        for (RedisServer n : targetNodes) {
            int count = isCluster(n) ? 1 : Integer.parseInt(n.sync().configGet("databases").get("databases"));
            for (int db = 0; db < count; db++) {
                select(n, db);
                if (n.sync().dbsize() == 0) continue;
                for (String key : n.sync().keys("*")) if (!isToolKey(key)) actual.merge(db, 1L, Long::sum);
            }
            select(n, 0);
        }
        source.sync().select(0);
        assertTrue(diffs.isEmpty(), diffs.size() + " keys differ, first: " + diffs.subList(0, Math.min(10, diffs.size())));
        assertEquals(expected, actual, "keys per target DB (in scope on the source vs on the target: nothing else may be there)");
        assertTrue(expected.values().stream().mapToLong(Long::longValue).sum() > 20, "too few keys in scope to prove anything: " + expected);
    }

    /** SELECT, except on a cluster node (only DB 0 there, and SELECT is refused). */
    public static void select(RedisServer node, int db) {
        if (db != 0 || !isCluster(node)) node.sync().select(db);
    }

    static boolean isCluster(RedisServer node) {
        return node.sync().info("cluster").contains("cluster_enabled:1");
    }

    private static boolean isToolKey(String key) {
        return key.startsWith("__redis_migrate:") || key.startsWith("__test:");
    }
}
