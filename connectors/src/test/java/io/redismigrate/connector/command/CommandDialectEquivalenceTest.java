package io.redismigrate.connector.command;

import io.redismigrate.connector.rdb.TargetCannotStoreException;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.resp.ServerInfo;
import io.redismigrate.connector.testutils.CanonicalKeys;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.ServerVersion;
import io.redismigrate.connector.testutils.ServerVersions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each translation against real servers: from the same starting data, the original command on a server that has
 * it and its translation on the older one leave the same keys, values, TTLs (±1 s), stream entries, groups,
 * consumers and pending entries; the original itself is an error on the older server (so the translation is
 * needed). Refused forms are refused by the older server too, and the refusal is one line. Versions come from
 * {@code REDIS_MATRIX}; a pair whose versions are missing is skipped with a notice.
 */
class CommandDialectEquivalenceTest {
    private static final long NOW = System.currentTimeMillis();

    @Test
    void redis70FormsIntoRedis60() throws Exception {
        List<Case> cases = new ArrayList<>();
        long t1 = NOW + 100_000, t2 = NOW + 200_000, t3 = NOW + 50_000;
        cases.add(new Case(List.of(), "SET k v PXAT " + t1));
        cases.add(new Case(List.of(), "SET k v NX EXAT " + t2 / 1000));
        cases.add(new Case(List.of("SET k old PX 900000"), "SET k v XX PXAT " + t1));
        cases.add(new Case(List.of("SET k old"), "SET k v GET"));
        String list = "RPUSH l a b c d e";
        cases.add(new Case(List.of(list), "LPOP l 3"));
        cases.add(new Case(List.of(list), "RPOP l 2"));
        cases.add(new Case(List.of(list), "LPOP l 10"));
        cases.add(new Case(List.of(list), "RPOP l 5"));
        for (String sides : new String[] {"LEFT RIGHT", "RIGHT LEFT", "LEFT LEFT", "RIGHT RIGHT"}) {
            cases.add(new Case(List.of(list, "RPUSH m x"), "LMOVE l m " + sides));
            cases.add(new Case(List.of(list), "LMOVE l l " + sides));
        }
        cases.add(new Case(List.of("SET s v PX 100000"), "COPY s d"));
        cases.add(new Case(List.of("HSET h f v g w", "SET d x"), "COPY h d REPLACE"));
        cases.add(new Case(List.of("SET s v PX 100000", "SELECT 1", "SET d x", "SELECT 0"), "COPY s d DB 1 REPLACE"));
        cases.add(new Case(List.of("RPUSH s a b"), "COPY s d DB 2"));
        cases.add(new Case(List.of("SET k v PX 100000"), "PEXPIREAT k " + t2 + " GT"));
        cases.add(new Case(List.of("SET k v PX 100000"), "PEXPIREAT k " + t3 + " LT"));
        cases.add(new Case(List.of("SET k v"), "PEXPIREAT k " + t1 + " NX"));
        cases.add(new Case(List.of("SET k v PX 100000"), "PEXPIREAT k " + t2 + " XX"));
        String zset = "ZADD z 1 a 5 b";
        cases.add(new Case(List.of(zset), "ZADD z GT 3 a 3 b 7 c"));
        cases.add(new Case(List.of(zset), "ZADD z LT CH 0 a 9 b"));
        cases.add(new Case(List.of(zset), "ZADD z GT INCR 2 a"));
        cases.add(new Case(List.of(zset), "ZADD z XX LT 0.5 a 1 new"));
        cases.add(new Case(List.of(zset), "ZADD z LT INCR -1.5 b"));
        cases.add(new Case(List.of(zset), "ZADD z GT 0.1 a +inf b"));
        String z4 = "ZADD z 1 a 2 b 3 c 4.000000000000001 d", zl = "ZADD zl 0 a 0 b 0 c";
        for (String range : new String[] {"1 2", "0 -1 REV", "(1 +inf BYSCORE LIMIT 1 2", "3 1 BYSCORE REV", "9 10 BYSCORE"}) {
            cases.add(new Case(List.of(z4, "SET d old"), "ZRANGESTORE d z " + range));
        }
        cases.add(new Case(List.of(zl), "ZRANGESTORE d zl [b + BYLEX"));
        cases.add(new Case(List.of(zl), "ZRANGESTORE d zl + [b BYLEX REV LIMIT 0 1"));
        cases.add(new Case(List.of(z4), "ZRANGESTORE z z 0 1"));
        String za = "ZADD a 1 x 2 y 3.5 z", sb = "SADD b y", zc = "ZADD c 3 z";
        cases.add(new Case(List.of(za, sb, zc), "ZDIFFSTORE d 3 a b c"));
        cases.add(new Case(List.of(za), "ZDIFFSTORE d 1 a"));
        cases.add(new Case(List.of("SADD a p q", zc), "ZDIFFSTORE d 2 a c"));
        cases.add(new Case(List.of(za, zc), "ZDIFFSTORE a 2 a c"));
        String geo = "GEOADD g 13.361389 38.115556 pa 15.087269 37.502669 ca 12.49 41.89 ro";
        cases.add(new Case(List.of(geo), "GEOSEARCHSTORE d g FROMMEMBER pa BYRADIUS 200 km"));
        cases.add(new Case(List.of(geo), "GEOSEARCHSTORE d g FROMLONLAT 15 37 BYRADIUS 500 km DESC COUNT 2 STOREDIST"));
        List<String> stream = List.of("XADD x 1-1 f v", "XADD x 1-2 f v", "XADD x 2-1 f v", "XGROUP CREATE x g 0",
                "XREADGROUP GROUP g c0 COUNT 1 STREAMS x >");
        cases.add(new Case(stream, "XADD x NOMKSTREAM 3-1 f v"));
        cases.add(new Case(stream, "XADD x MINID = 2 3-1 f v"));
        cases.add(new Case(stream, "XADD x NOMKSTREAM MINID 9 3-1 f v"));
        cases.add(new Case(stream, "XTRIM x MINID 1-2"));
        cases.add(new Case(stream, "XTRIM x MINID = 0"));
        List<String> long250 = new ArrayList<>();
        for (int i = 1; i <= 250; i++) long250.add("XADD y " + i + "-1 f " + i);
        cases.add(new Case(long250, "XTRIM y MINID 233"));
        cases.add(new Case(long250, "XADD y MINID = 101-1 251-1 f v"));
        cases.add(new Case(stream, "XGROUP CREATECONSUMER x g c1"));
        cases.add(new Case(stream, "XGROUP CREATE x g2 0 ENTRIESREAD 1"));
        cases.add(new Case(stream, "XGROUP SETID x g 1-1 ENTRIESREAD 1"));
        cases.add(new Case(List.of(), "XGROUP CREATE y g $ MKSTREAM ENTRIESREAD 0"));
        cases.add(new Case(stream, "XSETID x 5-0 ENTRIESADDED 100 MAXDELETEDID 1-0"));
        cases.add(new Case(List.of("SET a 1", "SELECT 1", "SET b 1", "SELECT 0"), "FLUSHDB SYNC"));
        cases.add(new Case(List.of("SET a 1", "SELECT 1", "SET b 1", "SELECT 0"), "FLUSHALL SYNC"));
        run("redis-7.0", "redis-6.0", cases);
    }

    @Test
    void valkey81IfeqIntoRedis80AndRedis60() throws Exception {
        List<Case> cases = List.of(
                new Case(List.of("SET k old"), "SET k v IFEQ old"),
                new Case(List.of("SET k old PX 100000"), "SET k v IFEQ old KEEPTTL"));
        run("valkey-8.1", "redis-8.0", cases);
        run("valkey-8.1", "redis-6.0", cases);
    }

    @Test
    void redis80HsetexIntoRedis70AndRedis60() throws Exception {
        List<Case> cases = List.of(
                new Case(List.of(), "HSETEX h FIELDS 2 a 1 b 2"),
                new Case(List.of("HSET h a 0"), "HSETEX h FNX FIELDS 1 c 3"),
                new Case(List.of("HSET h a 0"), "HSETEX h FXX KEEPTTL FIELDS 1 a 9"));
        run("redis-8.0", "redis-7.0", cases);
        run("redis-8.0", "redis-6.0", cases);
    }

    @Test
    void refusedFormsAreRefusedByTheOlderServerToo() throws Exception {
        refused("redis-6.0", "FUNCTION LOAD #!lua\\sname=lib\nredis.register_function('f',\\sfunction()\\sreturn\\s1\\send)", "FUNCTION LOAD");
        refused("redis-6.0", "GEOSEARCHSTORE d g FROMLONLAT 15 37 BYBOX 400 400 km", "GEOSEARCHSTORE");
        refused("redis-7.0", "HPEXPIREAT h " + (NOW + 100_000) + " FIELDS 1 a", "HPEXPIREAT");
        refused("redis-7.0", "HSETEX h PXAT " + (NOW + 100_000) + " FIELDS 1 a 1", "HSETEX");
        refused("valkey-8.1", "HPERSIST h FIELDS 1 a", "HPERSIST");
    }

    // ---- the harness

    /** Starting data (commands both servers accept) and one command the source replicates. */
    record Case(List<String> setup, String command) {}

    private static void run(String newer, String older, List<Case> cases) throws Exception {
        ServerVersion n = version(newer), o = version(older);
        if (n == null || o == null) return;
        try (RedisServer ns = RedisServer.start(n); RedisServer os = RedisServer.start(o);
             RedisConnection src = connect(ns); RedisConnection dst = connect(os)) {
            CommandDialect dialect = CommandDialect.forTarget(ServerInfo.of(dst.info("server")));
            for (Case c : cases) {
                String what = newer + " → " + older + ": " + c.command();
                for (RedisConnection r : List.of(src, dst)) {
                    ok(r, "FLUSHALL");
                    for (String s : c.setup()) ok(r, s);
                }
                byte[][] original = args(c.command());
                assertInstanceOf(RespError.class, dst.call(original), what + ": the older server accepts the original");
                byte[][] translated = dialect.translate(original);
                assertNotSame(original, translated, what);
                Object a = src.call(original);
                Object b = dst.call(translated);
                assertFalse(a instanceof RespError, what + ": " + a);
                assertFalse(b instanceof RespError, what + " as " + CommandDialectTest.text(translated) + ": " + b);
                Map<String, CanonicalKeys> want = CanonicalKeys.all(src), got = CanonicalKeys.all(dst);
                assertEquals(want.keySet(), got.keySet(), what + " (keys)");
                for (String k : want.keySet()) want.get(k).assertSame(got.get(k), what + " key " + k);
            }
            System.err.println("CommandDialectEquivalenceTest: " + cases.size() + " translations " + newer + " → " + older + " equal");
        }
    }

    private static void refused(String older, String command, String named) throws Exception {
        ServerVersion o = version(older);
        if (o == null) return;
        try (RedisServer os = RedisServer.start(o); RedisConnection dst = connect(os)) {
            byte[][] a = args(command);
            CommandDialect dialect = CommandDialect.forTarget(ServerInfo.of(dst.info("server")));
            TargetCannotStoreException e = assertThrows(TargetCannotStoreException.class, () -> dialect.translate(a));
            assertTrue(e.getMessage().startsWith("the source replicated " + named + ", which the target"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertInstanceOf(RespError.class, dst.call(a), older + " accepts " + command);
        }
    }

    private static ServerVersion version(String name) {
        for (ServerVersion v : ServerVersions.all()) if (v.name().equals(name)) return v;
        ServerVersion system = ServerVersions.system();
        String systemName = (system.isValkey() ? "valkey-" : "redis-") + system.major() + "." + system.minor();
        if (systemName.equals(name)) return system;
        System.err.println("CommandDialectEquivalenceTest: SKIPPED the pairs with " + name + " (not installed; set "
                + ServerVersions.ENV + " to the version matrix)");
        Assumptions.abort(name + " not installed");
        return null;
    }

    private static RedisConnection connect(RedisServer s) throws IOException {
        return RedisConnection.open(RedisEndpoint.parse(s.uri()), "test", 5000);
    }

    private static void ok(RedisConnection c, String command) throws IOException {
        Object r = c.call(args(command));
        if (r instanceof RespError) throw new AssertionError(command + ": " + r);
    }

    /** Space-separated; "\s" inside an argument stands for a space. */
    private static byte[][] args(String command) {
        String[] p = command.split(" ");
        byte[][] out = new byte[p.length][];
        for (int i = 0; i < p.length; i++) out[i] = p[i].replace("\\s", " ").getBytes(StandardCharsets.UTF_8);
        return out;
    }
}
