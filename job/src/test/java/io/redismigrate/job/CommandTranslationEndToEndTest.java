package io.redismigrate.job;

import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.testutils.CanonicalKeys;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.ServerVersion;
import io.redismigrate.connector.testutils.ServerVersions;
import io.redismigrate.connector.testutils.TestData;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.Migrations;
import io.redismigrate.job.verify.Verifier;
import io.redismigrate.job.verify.VerifyResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code run} full+incremental from Redis 7.0 into Redis 6.0: under the stream phase the source is sent the commands
 * whose replicated forms 6.0 lacks (SET … PXAT, LPOP/RPOP key count, LMOVE, COPY, PEXPIREAT … GT, ZADD GT/LT,
 * ZRANGESTORE, ZDIFFSTORE, GEOSEARCHSTORE, XADD/XTRIM with NOMKSTREAM/MINID, XGROUP CREATECONSUMER and ENTRIESREAD,
 * XSETID with its 7.0 options, FLUSHDB SYNC), alone, in MULTI/EXEC and as script effects; the destination ends
 * equal to the source (the {@code verify} comparison, plus stream groups, consumers and pending entries).
 */
class CommandTranslationEndToEndTest {

    @Test
    void redis70IntoRedis60EndsEqual() throws Exception {
        ServerVersion from = version("redis-7.0"), into = version("redis-6.0");
        try (RedisServer source = RedisServer.start(from); RedisServer target = RedisServer.start(into)) {
            TestData.populateAllTypes(source);
            try (JobProcess job = JobProcess.start(Migrations.runArgs(source, target))) {
                job.awaitRunning(Duration.ofSeconds(60));
                job.awaitLog("snapshot parsed", Duration.ofSeconds(60));
                writeTranslatedCommands(source);
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(30), job);
                assertTrue(job.isAlive(), job.output());
                job.stopWithSavepoint(Duration.ofSeconds(60));
            }
            Migrations.dropFences(target);
            Migrations.dropHeartbeats(source);
            VerifyResult r = new Verifier(MigrationOptions.parse(new String[] {"verify", "--source", source.uri(),
                    "--target", target.uri()})).verify();
            assertTrue(r.equal(), r.summary() + "\n" + String.join("\n", r.examples()));
            try (RedisConnection s = connect(source); RedisConnection t = connect(target)) {
                Map<String, CanonicalKeys> want = CanonicalKeys.all(s, 4), got = CanonicalKeys.all(t, 4);
                assertEquals(want.keySet(), got.keySet());
                for (String k : want.keySet()) want.get(k).assertSame(got.get(k), k);
            }
        }
    }

    /**
     * A form without an equivalent (FUNCTION LOAD into 6.0) stops the job, not retried: exit 1 with the one-line
     * reason naming the command and what accepts it; nothing after it is applied.
     */
    @Test
    void aRefusedFormStopsTheJobWithOneLine() throws Exception {
        ServerVersion from = version("redis-7.0"), into = version("redis-6.0");
        try (RedisServer source = RedisServer.start(from); RedisServer target = RedisServer.start(into)) {
            source.call("SET", "before", "1");
            try (JobProcess job = JobProcess.start(Migrations.runArgs(source, target))) {
                job.awaitRunning(Duration.ofSeconds(60));
                job.awaitLog("snapshot parsed", Duration.ofSeconds(60));
                source.call("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 end)");
                source.call("SET", "after", "1");
                assertEquals(1, job.waitFor(Duration.ofSeconds(60)), job.output());
                String line = "the source replicated FUNCTION LOAD, which the target Redis " + into.major() + "." + into.minor();
                assertTrue(job.stderr().contains(line), job.output());
                assertTrue(job.stderr().contains("needs Redis 7.0+ or Valkey"), job.output());
            }
            assertEquals(null, target.sync().get("after"));
        }
    }

    /** Every command here reaches the replication stream in a form Redis 6.0 lacks. */
    static void writeTranslatedCommands(RedisServer source) throws java.io.IOException {
        long now = System.currentTimeMillis();
        source.call("SET", "t:pxat", "v", "PXAT", String.valueOf(now + 300_000));
        source.call("SET", "t:ex", "v", "EX", "400");           // replicated as PXAT
        source.call("SET", "t:ex", "w", "GET");                  // replicated without GET (keeps no TTL)
        source.call("RPUSH", "t:l", "a", "b", "c", "d", "e", "f", "g", "h");
        source.call("LPOP", "t:l", "2");
        source.call("RPOP", "t:l", "1");
        source.call("LMPOP", "1", "t:l", "RIGHT", "COUNT", "2"); // RPOP key count
        source.call("LMOVE", "t:l", "t:l2", "LEFT", "RIGHT");
        source.call("BLMOVE", "t:l", "t:l2", "RIGHT", "LEFT", "1"); // RPOPLPUSH
        source.call("SET", "t:copy", "c", "PX", "500000");
        source.call("COPY", "t:copy", "t:copied");
        source.call("COPY", "t:copy", "t:copied", "DB", "3", "REPLACE");
        source.call("SET", "t:gt", "v", "PX", "100000");
        source.call("EXPIRE", "t:gt", "900", "GT");              // PEXPIREAT … GT
        source.call("ZADD", "t:z", "1", "a", "5", "b", "3", "c");
        source.call("ZADD", "t:z", "GT", "4", "a", "2", "b", "9", "d");
        source.call("ZADD", "t:z", "LT", "INCR", "-1", "c");
        source.call("ZRANGESTORE", "t:zr", "t:z", "(1", "+inf", "BYSCORE", "LIMIT", "0", "2");
        source.call("SADD", "t:set", "a");
        source.call("ZDIFFSTORE", "t:zd", "2", "t:z", "t:set");
        source.call("GEOADD", "t:geo", "13.361389", "38.115556", "pa", "15.087269", "37.502669", "ca");
        source.call("GEOSEARCHSTORE", "t:geos", "t:geo", "FROMMEMBER", "pa", "BYRADIUS", "200", "km", "STOREDIST");
        for (int i = 1; i <= 5; i++) source.call("XADD", "t:x", i + "-1", "f", "v" + i);
        source.call("XADD", "t:x", "NOMKSTREAM", "6-1", "f", "v");
        source.call("XADD", "t:nox", "NOMKSTREAM", "*", "f", "v"); // not replicated (no stream)
        source.call("XADD", "t:x", "MINID", "2", "7-1", "f", "v");
        source.call("XTRIM", "t:x", "MINID", "3-1");
        source.call("XGROUP", "CREATE", "t:x", "g", "0", "ENTRIESREAD", "0");
        source.call("XGROUP", "CREATECONSUMER", "t:x", "g", "idle-consumer");
        source.call("XREADGROUP", "GROUP", "g", "reader", "COUNT", "2", "STREAMS", "t:x", ">");
        source.call("XGROUP", "SETID", "t:x", "g", "4-1", "ENTRIESREAD", "3");
        source.call("XSETID", "t:x", "99-0", "ENTRIESADDED", "50", "MAXDELETEDID", "2-1");
        // a MULTI/EXEC (one TRANSACTION event) and script effects (replicated as MULTI/EXEC) with translated commands
        try (RedisConnection c = connect(source)) {
            c.call("MULTI");
            c.call("LPOP", "t:l2", "1");
            c.call("SET", "t:tx", "v", "PXAT", String.valueOf(now + 700_000));
            c.call("INCR", "t:tx-n");
            c.call("COPY", "t:tx-n", "t:tx-n2");
            c.call("EXEC");
        }
        source.call("EVAL", "redis.call('RPUSH', KEYS[1], 'x', 'y', 'z') redis.call('LPOP', KEYS[1], 2)"
                + " redis.call('SET', KEYS[2], 'e', 'PXAT', ARGV[1]) return 1", "2", "t:effects", "t:effects-set",
                String.valueOf(now + 600_000));
        source.call("SELECT", "2");
        source.call("SET", "t:db2", "v");
        source.call("FLUSHDB", "SYNC");
        source.call("SELECT", "0");
    }

    private static ServerVersion version(String name) {
        for (ServerVersion v : ServerVersions.all()) if (v.name().equals(name)) return v;
        ServerVersion system = ServerVersions.system();
        if (!system.isValkey() && name.equals("redis-" + system.major() + "." + system.minor())) return system;
        System.err.println("CommandTranslationEndToEndTest: SKIPPED (" + name + " not installed; set "
                + ServerVersions.ENV + " to the version matrix)");
        Assumptions.abort(name + " not installed");
        return null;
    }

    private static RedisConnection connect(RedisServer s) throws java.io.IOException {
        return RedisConnection.open(RedisEndpoint.parse(s.uri()), "test", 5000);
    }
}
