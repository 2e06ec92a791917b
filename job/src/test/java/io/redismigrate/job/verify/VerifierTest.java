package io.redismigrate.job.verify;

import io.lettuce.core.api.sync.RedisCommands;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.job.MainTest;
import io.redismigrate.job.MigrationOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifierTest {
    private RedisServer source;
    private RedisServer target;

    @AfterEach
    void stop() {
        if (source != null) source.close();
        if (target != null) target.close();
    }

    private void start(String... targetArgs) throws Exception {
        source = RedisServer.start();
        target = RedisServer.start(targetArgs);
    }

    /** The same data set of every type, written to a server. */
    private static void fill(RedisServer server) {
        RedisCommands<String, String> r = server.sync();
        r.select(0);
        r.set("s", "hello");
        r.set("n", "12345");
        r.psetex("ttl", 100_000, "expiring");
        r.rpush("l", "a", "b", "c", "b");
        r.sadd("set", "x", "y", "1", "2");
        r.zadd("z", 1.5, "one");
        r.zadd("z", 2, "two");
        r.hset("h", Map.of("f1", "v1", "f2", "v2"));
        r.xadd("st", Map.of("f", "v"));
        server.call("XGROUP", "CREATE", "st", "g1", "0");
        r.set("__redis_migrate:heartbeat:1", "ignored");
        r.select(1);
        r.set("db1key", "v");
        server.binary().select(1);
        server.binary().set(new byte[] {0, (byte) 0xff, 'k'}, new byte[] {1, 2, 3});
        r.select(0);
    }

    /** Copies every key with DUMP/RESTORE and PTTL, so the target equals the source including the stream's groups. */
    private static void copy(RedisServer from, RedisServer to) {
        for (int db : new int[] {0, 1}) {
            from.binary().select(db);
            to.binary().select(db);
            for (byte[] key : from.binary().keys("*")) {
                if (new String(key).startsWith("__redis_migrate:heartbeat")) continue;
                long pttl = from.binary().pttl(key);
                to.binary().restore(key, Math.max(pttl, 0), from.binary().dump(key));
            }
        }
        from.binary().select(0);
        to.binary().select(0);
    }

    private VerifyResult verify(String... extra) throws Exception {
        String[] args = new String[5 + extra.length];
        args[0] = "verify";
        args[1] = "--source";
        args[2] = source.uri();
        args[3] = "--target";
        args[4] = target.uri();
        System.arraycopy(extra, 0, args, 5, extra.length);
        return new Verifier(MigrationOptions.parse(args)).verify();
    }

    @Test
    void equalDataSets() throws Exception {
        start();
        fill(source);
        copy(source, target);
        VerifyResult r = verify();
        assertEquals("verified 10 keys in 2 DBs: 0 missing, 0 different, 0 extra", r.summary(), r.examples().toString());
        assertEquals("DEBUG DIGEST-VALUE", r.method());
        assertTrue(r.equal());

        MainTest.Run run = MainTest.run("verify", "--source", source.uri(), "--target", target.uri());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().startsWith("verified 10 keys in 2 DBs: 0 missing, 0 different, 0 extra"), run.out());
    }

    /** A consumer without pending entries is part of a stream's state: the target lacking it is a difference. */
    @Test
    void aMissingIdleConsumerIsADifference() throws Exception {
        start();
        fill(source);
        copy(source, target);
        source.call("XGROUP", "CREATECONSUMER", "st", "g1", "idle");
        VerifyResult r = verify();
        assertEquals("verified 10 keys in 2 DBs: 0 missing, 1 different, 0 extra", r.summary(), r.examples().toString());
        target.call("XGROUP", "CREATECONSUMER", "st", "g1", "idle");
        assertTrue(verify().equal());
    }

    @Test
    void findsMissingDifferentTtlAndExtraKeys() throws Exception {
        start();
        fill(source);
        copy(source, target);
        target.sync().del("s");                       // missing
        target.sync().rpush("l", "extra-element");    // different value
        target.sync().pexpire("h", 50_000);           // TTL only on the target
        target.sync().pexpire("ttl", 10_000);         // TTL differs by 90 s
        target.sync().set("only-on-target", "x");     // extra
        target.call("XGROUP", "CREATE", "st", "g2", "0"); // stream groups differ

        VerifyResult r = verify();
        assertEquals("verified 10 keys in 2 DBs: 1 missing, 4 different, 1 extra", r.summary(), r.examples().toString());
        String examples = String.join("\n", r.examples());
        assertTrue(examples.contains("db0 \"s\": missing on the target"), examples);
        assertTrue(examples.contains("db0 \"l\": list value differs"), examples);
        assertTrue(examples.contains("db0 \"h\": TTL none on the source, "), examples);
        assertTrue(examples.contains("db0 \"ttl\": TTL "), examples);
        assertTrue(examples.contains("db0 \"st\": stream value differs"), examples);
        assertTrue(examples.contains("target db0 \"only-on-target\": not on the source"), examples);

        MainTest.Run run = MainTest.run("verify", "--source", source.uri(), "--target", target.uri());
        assertEquals(1, run.code());
        run.assertOneLine();
        assertTrue(run.err().contains("the target differs from the source (1 missing, 4 different, 1 extra)"), run.err());
        assertTrue(run.out().contains("  db0 \"s\": missing on the target"), run.out());
    }

    @Test
    void differentTypeAndBinaryKeys() throws Exception {
        start();
        fill(source);
        copy(source, target);
        target.binary().select(1);
        target.binary().set(new byte[] {0, (byte) 0xff, 'k'}, new byte[] {9});
        target.binary().select(0);
        target.sync().del("n");
        target.sync().rpush("n", "12345");
        VerifyResult r = verify();
        assertEquals(2, r.different(), r.examples().toString());
        String examples = String.join("\n", r.examples());
        assertTrue(examples.contains("db0 \"n\": type string on the source, list on the target"), examples);
        assertTrue(examples.contains("db1 \"\\x00\\xffk\": string value differs"), examples);
    }

    @Test
    void canonicalComparisonWhenDebugIsNotAllowed() throws Exception {
        start("--enable-debug-command", "no");
        fill(source);
        copy(source, target);
        VerifyResult equal = verify();
        assertEquals("canonical value", equal.method());
        assertTrue(equal.equal(), equal.examples().toString());
        assertEquals(10, equal.keys());

        // same members, different order of insertion: still equal; a changed member/score/field is not
        target.sync().del("set");
        target.sync().sadd("set", "2", "1", "y", "x");
        assertTrue(verify().equal());
        target.sync().zadd("z", 2.5, "two");
        target.sync().hset("h", "f2", "changed");
        target.sync().sadd("set", "new");
        target.sync().setrange("s", 0, "J");
        target.sync().xadd("st", Map.of("f", "v2"));
        VerifyResult r = verify();
        assertEquals(5, r.different(), r.examples().toString());
    }

    @Test
    void scopeMappingPrefixesAndTtlExtend() throws Exception {
        start();
        source.sync().setex("a:1", 1000, "v");
        source.sync().set("b:1", "v");
        source.sync().select(2);
        source.sync().set("a:2", "v");
        source.sync().select(0);
        // target: db0 → db5 with TTL extended by 1h; b: keys not migrated; db2 not in scope
        target.sync().select(5);
        target.sync().setex("a:1", 1000 + 3600, "v");
        target.sync().set("b:other", "outside the include prefix: ignored");
        target.sync().select(0);

        VerifyResult r = verify("--db", "0", "--db-map", "0:5", "--include-prefix", "a:", "--ttl-extend", "1h");
        assertEquals("verified 1 keys in 1 DBs: 0 missing, 0 different, 0 extra", r.summary(), r.examples().toString());

        VerifyResult noExtend = verify("--db", "0", "--db-map", "0:5", "--include-prefix", "a:");
        assertEquals(1, noExtend.different(), noExtend.examples().toString());

        VerifyResult allDbs = verify("--db-map", "0:5", "--include-prefix", "a:", "--ttl-extend", "1h");
        assertEquals(1, allDbs.missing(), "db2's a:2 is missing: " + allDbs.examples());
    }

    @Test
    void ttlMarginWidensTheTtlCheckAndKeysExpiringOnTheTargetAreNotExtra() throws Exception {
        start();
        source.sync().psetex("t", 100_000, "v");
        target.sync().psetex("t", 100_000 + 240_000, "v");            // source TTL + 4 min of the 5 min margin
        target.sync().psetex("expiring", 60_000, "v");                // gone from the source, its DEL in flight
        VerifyResult r = verify();                                    // default: full+incremental, --ttl-margin 5m
        assertEquals("verified 1 keys in 1 DBs: 0 missing, 0 different, 0 extra, 1 expiring (source DEL in flight)",
                r.summary(), r.examples().toString());
        assertTrue(r.equal());

        VerifyResult exact = verify("--ttl-margin", "0s");
        assertEquals("verified 1 keys in 1 DBs: 0 missing, 1 different, 1 extra", exact.summary(), exact.examples().toString());
        VerifyResult full = verify("--mode", "full");                 // no margin without a stream phase
        assertEquals(1, full.different(), full.examples().toString());
        assertEquals(1, full.extra(), full.examples().toString());
        VerifyResult withExtend = verify("--ttl-margin", "2m", "--ttl-extend", "3m");
        assertTrue(withExtend.equal(), withExtend.examples().toString());
        assertEquals(1, withExtend.expiring());

        target.sync().psetex("t", 100_000 + 400_000, "v");            // beyond the margin
        target.sync().psetex("expiring", 600_000, "v");               // beyond the margin: a real extra key
        VerifyResult beyond = verify();
        assertEquals("verified 1 keys in 1 DBs: 0 missing, 1 different, 1 extra", beyond.summary(), beyond.examples().toString());
        assertTrue(String.join("\n", beyond.examples()).contains("(+ up to 300000 ms --ttl-margin)"), beyond.examples().toString());
        target.sync().psetex("t", 98_000, "v");                       // below the source's TTL
        target.sync().del("expiring");
        assertEquals(1, verify().different());
    }

    private static final String LIB_A = "#!lua name=liba\nredis.register_function('fa', function() return 'a' end)";
    private static final String LIB_B = "#!lua name=libb\nredis.register_function('fb', function() return 'b' end)";
    private static final String LIB_C = "#!lua name=libc\nredis.register_function('fc', function() return 'c' end)";

    @Test
    void functionLibrariesAreCompared() throws Exception {
        start();
        source.sync().set("k", "v");
        target.sync().set("k", "v");
        for (String lib : new String[] {LIB_A, LIB_B, LIB_C}) source.call("FUNCTION", "LOAD", lib);
        for (String lib : new String[] {LIB_C, LIB_A, LIB_B}) target.call("FUNCTION", "LOAD", lib); // another order
        VerifyResult equal = verify();
        assertTrue(equal.equal(), equal.examples().toString());
        assertEquals("function libraries compared: 3 on the source, 3 on the target, equal", equal.functionsNote());

        target.call("FUNCTION", "DELETE", "libb");                                            // missing
        target.call("FUNCTION", "LOAD", "REPLACE", LIB_C.replace("'c'", "'changed'"));        // different
        target.call("FUNCTION", "LOAD", "#!lua name=libx\nredis.register_function('fx', function() return 1 end)"); // extra
        VerifyResult r = verify();
        assertEquals(3, r.functionDifferences(), r.examples().toString());
        assertEquals("verified 1 keys in 1 DBs: 0 missing, 0 different, 0 extra; 3 function library differences", r.summary());
        assertEquals(java.util.List.of("function library 'libb': missing on the target",
                "function library 'libc': engine or code differs", "function library 'libx': not on the source"), r.examples());

        MainTest.Run run = MainTest.run("verify", "--source", source.uri(), "--target", target.uri());
        assertEquals(1, run.code(), "exit code as for key differences: " + run.out() + run.err());
        run.assertOneLine();
        assertTrue(run.err().contains("(0 missing, 0 different, 0 extra, 3 function libraries)"), run.err());
        assertTrue(run.out().contains("  function library 'libb': missing on the target"), run.out());
    }

    @Test
    void examplesAreCappedAtTwenty() throws Exception {
        start();
        for (int i = 0; i < 30; i++) source.sync().set("k" + i, "v");
        VerifyResult r = verify();
        assertEquals(30, r.missing());
        assertEquals(Verifier.MAX_EXAMPLES, r.examples().size());
    }
}
