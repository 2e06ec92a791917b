package io.redismigrate.job;

import io.lettuce.core.api.sync.RedisCommands;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.ServerVersion;
import io.redismigrate.connector.testutils.TestData;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.Migrations;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code run} in full+incremental mode as a child process: after the snapshot, every write command family is
 * issued on the source (several DBs, transactions, scripts, functions, blocking pops, streams with consumer
 * groups, SWAPDB, FLUSHDB, keys expiring) and the destination must end equal to the source. Runs once per server
 * version of {@code ServerVersions.all()} (source, target and native replica of that version); commands a version
 * lacks are left out there ({@link #families(ServerVersion)}), hash field TTL commands are added where it has them.
 */
class IncrementalCommandsEndToEndTest {
    static final String LIBRARY = "#!lua name=mylib\nredis.register_function('echo1', function(keys, args) return args[1] end)";
    static final String LIB2 = "#!lua name=lib2\nredis.register_function('incr2', function(keys, args) "
            + "return redis.call('INCRBY', keys[1], 2) end)";
    static final String LIB3 = "#!lua name=lib3\nredis.register_function('noop3', function(keys, args) return 1 end)";

    /** Commands the test must have issued on the source, each at least once and never failing. */
    static final List<String> FAMILIES = List.of("append", "bitop", "blpop", "brpop", "brpoplpush", "decr", "decrby", "del",
            "eval", "evalsha", "expire", "expireat", "flushdb", "geoadd", "getset", "hdel", "hincrby", "hincrbyfloat",
            "hmset", "hset", "hsetnx", "incr", "incrby", "incrbyfloat", "linsert", "lpop", "lpush", "lpushx", "lrem",
            "lset", "ltrim", "move", "mset", "msetnx", "multi", "exec", "persist", "pexpire", "pexpireat", "pfadd",
            "pfmerge", "psetex", "publish", "rename", "renamenx", "restore", "rpop", "rpoplpush", "rpush", "rpushx",
            "sadd", "sdiffstore", "set", "setbit", "setex", "setnx", "setrange", "sinterstore", "smove", "spop", "srem",
            "sunionstore", "zadd", "zincrby", "zinterstore", "zrem", "zremrangebylex", "zunionstore",
            "zremrangebyrank", "zremrangebyscore", "xadd", "xclaim", "xdel", "xautoclaim", "xgroup|create",
            "xgroup|setid", "xgroup|createconsumer", "xgroup|delconsumer", "xgroup|destroy", "xtrim", "xack",
            "xsetid", "lmove", "blmove", "lmpop", "zmpop", "getdel", "getex", "copy", "swapdb", "function|load",
            "function|delete", "fcall", "script|load", "xreadgroup");
    /** Added in Redis 6.2 (with {@code SET … GET}, not a family of its own). */
    static final List<String> SINCE_62 = List.of("getdel", "getex", "copy", "lmove", "blmove", "xautoclaim",
            "xgroup|createconsumer");
    /** Added in Redis 7.0. */
    static final List<String> SINCE_70 = List.of("lmpop", "zmpop", "function|load", "function|delete", "fcall");
    /** Hash field expiration, Redis 7.4+ ({@link ServerVersion#hashFieldTtl()}). */
    static final List<String> HASH_FIELD_TTL = List.of("hexpire", "hpexpire", "hexpireat", "hpexpireat", "hpersist");
    /** Hash commands with field TTLs added in Redis 8.0. */
    static final List<String> HASH_FIELD_TTL_80 = List.of("hsetex", "hgetex", "hgetdel");

    /**
     * The families {@code v} has, as INFO commandstats names them: before 7.0 subcommands are counted under their
     * command ({@code xgroup}, {@code script}).
     */
    static List<String> families(ServerVersion v) {
        List<String> out = new ArrayList<>();
        for (String f : FAMILIES) {
            if (!v.atLeast62() && SINCE_62.contains(f)) continue;
            if (!v.hasFunctions() && SINCE_70.contains(f)) continue;
            String name = v.hasFunctions() || !f.contains("|") ? f : f.substring(0, f.indexOf('|'));
            if (!out.contains(name)) out.add(name);
        }
        if (v.hashFieldTtl()) out.addAll(HASH_FIELD_TTL);
        if (v.hashFieldTtlCommands80()) out.addAll(HASH_FIELD_TTL_80);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.redismigrate.connector.testutils.ServerVersions#all")
    void everyCommandFamilyIsReplicatedAndTheTargetEndsEqual(ServerVersion v) throws Exception {
        try (RedisServer source = RedisServer.start(v); RedisServer target = RedisServer.start(v);
             RedisServer replica = RedisServer.start(v)) {
            TestData.populateAllTypes(source);
            if (v.hasFunctions()) source.call("FUNCTION", "LOAD", LIBRARY);
            source.sync().select(6);
            source.sync().set("db6:before-swap", "six");
            source.sync().select(0);
            // a native replica: the reference for what Redis' own replication carries (see Migrations.assertEqual)
            replica.call("REPLICAOF", "127.0.0.1", String.valueOf(source.port()));
            try (JobProcess job = JobProcess.start(Migrations.runArgs(source, target))) {
                job.awaitRunning(Duration.ofSeconds(60));
                job.awaitLog("snapshot parsed", Duration.ofSeconds(60));
                source.call("CONFIG", "RESETSTAT");

                writeEveryCommand(source);
                assertCommandStats(source);

                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(30), job);
                job.stopWithSavepoint(Duration.ofSeconds(60));
            }
            awaitReplica(source, replica);
            Migrations.assertEqual(source, target, replica);
        }
    }

    static void writeEveryCommand(RedisServer source) throws Exception {
        writeEveryCommand(source, source.serverVersion().hasFunctions(), source.serverVersion().hashFieldTtl());
    }

    /**
     * Every command family the source's version has, except function libraries (FUNCTION LOAD/DELETE, FCALL)
     * without {@code functions} and hash field TTLs without {@code hashFieldTtls}: for a target that cannot store
     * them (see VersionPairsEndToEndTest).
     */
    static void writeEveryCommand(RedisServer source, boolean functions, boolean hashFieldTtls) throws Exception {
        ServerVersion v = source.serverVersion();
        RedisCommands<String, String> r = source.sync();
        for (int db : new int[] {0, 1, 2}) {
            r.select(db);
            String p = "inc" + db + ":";
            // strings
            r.set(p + "s", "hello");
            r.append(p + "s", " world");
            r.setrange(p + "s", 0, "J");
            r.set(p + "n", "10");
            r.incr(p + "n");
            r.incrby(p + "n", 5);
            r.decr(p + "n");
            r.decrby(p + "n", 3);
            r.incrbyfloat(p + "f", 1.25);
            r.getset(p + "gs", "new");
            r.setnx(p + "nx", "first");
            r.setex(p + "ex", 3600, "with ttl");
            r.psetex(p + "px", 3_600_000, "with pttl");
            r.mset(Map.of(p + "m1", "a", p + "m2", "b"));
            r.msetnx(Map.of(p + "mnx1", "a", p + "mnx2", "b"));
            source.call("SET", p + "set-ex", "v", "EX", "500");
            source.call("SET", p + "set-px", "v", "PX", "500000");
            source.call("SET", p + "set-px", "v2", "KEEPTTL");
            if (v.atLeast62()) source.call("SET", p + "s", "replaced", "GET");
            else source.call("SET", p + "s", "replaced");
            r.setbit(p + "bits", 7, 1);
            r.setbit(p + "bits2", 3, 1);
            source.call("BITOP", "OR", p + "bitor", p + "bits", p + "bits2");
            if (v.atLeast62()) {
                r.set(p + "getdel", "gone soon");
                r.getdel(p + "getdel");
                r.set(p + "getex", "v");
                source.call("GETEX", p + "getex", "PX", "900000");
                r.set(p + "getex2", "v");
                source.call("GETEX", p + "getex2", "EX", "100");
                source.call("GETEX", p + "getex2", "PERSIST");
            }
            // expiry commands
            r.set(p + "e1", "x");
            r.expire(p + "e1", 1000);
            r.set(p + "e2", "x");
            source.call("EXPIREAT", p + "e2", String.valueOf(System.currentTimeMillis() / 1000 + 2000));
            r.set(p + "e3", "x");
            r.pexpire(p + "e3", 3_000_000);
            r.set(p + "e4", "x");
            source.call("PEXPIREAT", p + "e4", String.valueOf(System.currentTimeMillis() + 4_000_000));
            r.set(p + "e5", "x");
            r.expire(p + "e5", 100);
            r.persist(p + "e5");
            // key space
            r.set(p + "ren", "r");
            r.rename(p + "ren", p + "ren2");
            r.set(p + "rnx", "r");
            r.renamenx(p + "rnx", p + "rnx2");
            r.set(p + "del1", "d");
            r.set(p + "del2", "d");
            r.del(p + "del1", p + "del2");
            if (v.atLeast62()) {
                r.set(p + "copy", "c");
                source.call("COPY", p + "copy", p + "copied");
                source.call("COPY", p + "copy", p + "copied-to-db4", "DB", "4");
            }
            r.set(p + "moved", "m");
            r.move(p + "moved", 4);
            // lists
            r.rpush(p + "l", "a", "b", "c", "d", "e", "f", "b");
            r.lpush(p + "l", "z");
            r.lpushx(p + "l", "y");
            r.rpushx(p + "l", "g");
            r.linsert(p + "l", true, "c", "c-");
            r.lrem(p + "l", 1, "b");
            r.lset(p + "l", 0, "Y");
            r.lpop(p + "l");
            r.rpop(p + "l");
            r.ltrim(p + "l", 0, 5);
            r.rpoplpush(p + "l", p + "l2");
            if (v.atLeast62()) source.call("LMOVE", p + "l", p + "l2", "LEFT", "RIGHT");
            if (v.hasFunctions()) source.call("LMPOP", "2", p + "nolist", p + "l", "RIGHT", "COUNT", "1");
            assertNotNull(r.blpop(1, p + "l"));
            assertNotNull(r.brpop(1, p + "l"));
            assertNotNull(r.brpoplpush(1, p + "l2", p + "l"));
            if (v.atLeast62()) assertNotNull(source.call("BLMOVE", p + "l2", p + "l", "RIGHT", "LEFT", "1").get(0));
            // hashes
            r.hset(p + "h", "a", "1");
            r.hmset(p + "h", Map.of("b", "2", "c", "3"));
            r.hsetnx(p + "h", "d", "4");
            r.hincrby(p + "h", "a", 10);
            r.hincrbyfloat(p + "h", "e", 2.5);
            r.hdel(p + "h", "b");
            if (hashFieldTtls) writeHashFieldTtls(source, p);
            // sets
            r.sadd(p + "set1", "a", "b", "c", "d", "e");
            r.sadd(p + "set2", "c", "d", "x");
            r.srem(p + "set1", "e");
            r.smove(p + "set1", p + "set2", "a");
            r.spop(p + "set1");
            r.sdiffstore(p + "sdiff", p + "set1", p + "set2");
            r.sinterstore(p + "sinter", p + "set1", p + "set2");
            r.sunionstore(p + "sunion", p + "set1", p + "set2");
            // sorted sets
            source.call("ZADD", p + "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f");
            source.call("ZADD", p + "zlex", "0", "aa", "0", "bb", "0", "cc", "0", "dd");
            r.zincrby(p + "z", 2.5, "a");
            r.zrem(p + "z", "b");
            source.call("ZREMRANGEBYLEX", p + "zlex", "[aa", "[bb");
            source.call("ZREMRANGEBYRANK", p + "z", "0", "0");
            source.call("ZREMRANGEBYSCORE", p + "z", "5", "5");
            source.call("ZADD", p + "z2", "10", "c", "20", "x");
            source.call("ZINTERSTORE", p + "zinter", "2", p + "z", p + "z2");
            source.call("ZUNIONSTORE", p + "zunion", "2", p + "z", p + "z2", "WEIGHTS", "1", "2");
            if (v.hasFunctions()) source.call("ZMPOP", "1", p + "z2", "MIN", "COUNT", "1");
            // hyperloglog, geo
            r.pfadd(p + "hll1", "a", "b", "c");
            r.pfadd(p + "hll2", "c", "d");
            r.pfmerge(p + "hllm", p + "hll1", p + "hll2");
            source.call("GEOADD", p + "geo", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
            // streams
            String x = p + "x";
            for (int i = 0; i < 10; i++) source.call("XADD", x, "*", "i", String.valueOf(i));
            source.call("XADD", x, "MAXLEN", "100", "*", "i", "capped");
            source.call("XGROUP", "CREATE", x, "g", "0", "MKSTREAM");
            source.call("XGROUP", "CREATE", x, "gone", "$");
            if (v.atLeast62()) {
                source.call("XGROUP", "CREATECONSUMER", x, "g", "carol");
                source.call("XGROUP", "CREATECONSUMER", x, "g", "dave");
            }
            source.call("XREADGROUP", "GROUP", "g", "alice", "COUNT", "6", "STREAMS", x, ">");
            // before 6.2 (no CREATECONSUMER): dave comes from a read of one more entry, which DELCONSUMER then drops
            if (!v.atLeast62()) source.call("XREADGROUP", "GROUP", "g", "dave", "COUNT", "1", "STREAMS", x, ">");
            List<Object> pending = source.call("XPENDING", x, "g", "-", "+", "10");
            String firstPending = String.valueOf(((List<?>) pending.get(0)).get(0));
            String secondPending = String.valueOf(((List<?>) pending.get(1)).get(0));
            String thirdPending = String.valueOf(((List<?>) pending.get(2)).get(0));
            source.call("XCLAIM", x, "g", "bob", "0", firstPending);
            if (v.atLeast62()) source.call("XAUTOCLAIM", x, "g", "carol", "0", "0-0", "COUNT", "1");
            else source.call("XCLAIM", x, "g", "carol", "0", firstPending); // what the XAUTOCLAIM claims
            source.call("XACK", x, "g", secondPending);
            source.call("XDEL", x, thirdPending);
            source.call("XGROUP", "DELCONSUMER", x, "g", "dave");
            source.call("XGROUP", "SETID", x, "gone", "0");
            source.call("XGROUP", "DESTROY", x, "gone");
            source.call("XTRIM", x, "MAXLEN", "9");
            String last = String.valueOf(source.call("XADD", x, "*", "i", "last").get(0));
            long ms = Long.parseLong(last.substring(0, last.indexOf('-')));
            source.call("XSETID", x, (ms + 1000) + "-0");
            // scripts and functions (replicated as their effects)
            source.call("EVAL", "redis.call('INCR', KEYS[1]); redis.call('LPUSH', KEYS[2], ARGV[1]); return 1", "2",
                    p + "evaln", p + "evall", "v");
            String sha = String.valueOf(source.call("SCRIPT", "LOAD", "return redis.call('APPEND', KEYS[1], ARGV[1])").get(0));
            source.call("EVALSHA", sha, "1", p + "evalsha", "abc");
            source.call("EVALSHA", sha, "1", p + "evalsha", "def");
            // a transaction spanning two DBs
            r.multi();
            r.incr(p + "tx");
            r.lpush(p + "txl", "1", "2");
            r.select(2);
            r.hincrby(p + "txh", "f", 3);
            r.select(db);
            r.append(p + "tx-append", "x");
            assertEquals(6, r.exec().size());
            // RESTORE of a DUMP payload
            source.binary().select(db);
            byte[] dump = source.binary().dump(bytes(p + "h"));
            source.binary().restore(bytes(p + "restored"), 0, dump);
            source.binary().restore(bytes(p + "restored-ttl"), dump, io.lettuce.core.RestoreArgs.Builder.ttl(600_000).replace());
        }
        r.select(0);
        // PUBLISH (propagated, harmless on the target)
        r.publish("chan", "message");
        // a blocked BLPOP served by a later push (propagated as the push followed by a pop)
        CompletableFuture<?> blocked = source.binaryAsync().blpop(10, bytes("blocked:list")).toCompletableFuture();
        Thread.sleep(200);
        r.rpush("blocked:list", "one", "two");
        assertNotNull(blocked.get(10, TimeUnit.SECONDS));
        // functions: load, call (effects), delete
        if (functions) {
            source.call("FUNCTION", "LOAD", LIB2);
            source.call("FCALL", "incr2", "1", "fcall:counter");
            source.call("FCALL", "incr2", "1", "fcall:counter");
            source.call("FUNCTION", "LOAD", LIB3);
            source.call("FUNCTION", "DELETE", "lib3");
        }
        // FLUSHDB of a scratch DB
        r.select(5);
        for (int i = 0; i < 20; i++) r.set("scratch:" + i, "v");
        r.flushdb();
        r.set("scratch:after-flush", "kept");
        // SWAPDB, also of DB 0
        r.select(7);
        r.set("db7:before-swap", "seven");
        source.call("SWAPDB", "6", "7");
        source.call("SWAPDB", "0", "8");
        r.select(0);
        r.incr("after-swap:counter");
        // keys expiring on the source arrive as DEL
        for (int db : new int[] {0, 1}) {
            r.select(db);
            for (int i = 0; i < 20; i++) r.psetex("expiring:" + i, 50, "v");
            r.set("expiring:pexpire", "v");
            r.pexpire("expiring:pexpire", 50);
        }
        Thread.sleep(300);
        for (int db : new int[] {0, 1}) {
            r.select(db);
            for (int i = 0; i < 20; i++) assertEquals(0, r.exists("expiring:" + i)); // lazy expiry: DEL now
            assertEquals(0, r.exists("expiring:pexpire"));
        }
        r.select(0);
    }

    /**
     * Hash field TTLs (Redis 7.4+): HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT, HPERSIST on a hash of its own, a field
     * expiring on the source (arrives as HDEL), and on 8.0+ HSETEX, HGETEX and HGETDEL.
     */
    static void writeHashFieldTtls(RedisServer source, String p) throws InterruptedException {
        ServerVersion v = source.serverVersion();
        String h = p + "hfe";
        source.call("HSET", h, "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "gone", "x");
        source.call("HEXPIRE", h, "1000", "FIELDS", "1", "a");
        source.call("HPEXPIRE", h, "2000000", "FIELDS", "2", "b", "c");
        source.call("HEXPIREAT", h, String.valueOf(System.currentTimeMillis() / 1000 + 3000), "FIELDS", "1", "d");
        source.call("HPEXPIREAT", h, String.valueOf(System.currentTimeMillis() + 4_000_000), "FIELDS", "1", "e");
        source.call("HPERSIST", h, "FIELDS", "1", "c");
        source.call("HPEXPIRE", h, "50", "FIELDS", "1", "gone");
        Thread.sleep(120);
        assertEquals(0, ((Number) source.call("HEXISTS", h, "gone").get(0)).longValue()); // lazily expired: HDEL
        source.call("HSET", p + "hfe-all", "only", "v");
        source.call("HPEXPIRE", p + "hfe-all", "50", "FIELDS", "1", "only"); // the last field: the key goes too
        if (v.hashFieldTtlCommands80()) {
            source.call("HSETEX", h, "PX", "5000000", "FIELDS", "2", "f", "6", "g", "7");
            source.call("HSETEX", h, "KEEPTTL", "FIELDS", "1", "f", "6b");
            source.call("HGETEX", h, "EX", "6000", "FIELDS", "1", "a");
            source.call("HGETEX", h, "PERSIST", "FIELDS", "1", "b");
            source.call("HGETDEL", h, "FIELDS", "1", "g");
        }
        long deadline = System.currentTimeMillis() + 5000; // fields expire actively (server cron), not on EXISTS
        while (((Number) source.call("EXISTS", p + "hfe-all").get(0)).longValue() != 0) {
            if (System.currentTimeMillis() > deadline) throw new AssertionError(p + "hfe-all did not expire");
            Thread.sleep(20);
        }
    }

    static void awaitReplica(RedisServer source, RedisServer replica) throws InterruptedException {
        long want = Migrations.masterOffset(source);
        for (int i = 0; i < 500; i++) {
            Map<String, String> info = Migrations.info(replica, "replication");
            if ("up".equals(info.get("master_link_status")) && Long.parseLong(info.get("master_repl_offset")) >= want) return;
            Thread.sleep(20);
        }
        throw new AssertionError("the native replica did not catch up");
    }

    /** Every family of {@link #FAMILIES} was called on the source, and no call failed or was rejected. */
    static void assertCommandStats(RedisServer source) {
        ServerVersion v = source.serverVersion();
        Map<String, String> stats = Migrations.info(source, "commandstats");
        for (String c : families(v)) {
            String s = stats.get("cmdstat_" + c);
            assertNotNull(s, "command " + c + " was not issued");
            // before 6.2 commandstats has no rejected/failed counts: a failed call threw in writeEveryCommand
            if (v.atLeast62()) assertTrue(s.contains("rejected_calls=0,failed_calls=0"), c + ": " + s);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
