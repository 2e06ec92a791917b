package io.redismigrate.job;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.Migrations;
import io.redismigrate.connector.testutils.ServerVersion;
import io.redismigrate.connector.testutils.ServerVersions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --ttl-extend moves every expiry later: the snapshot's TTLs and those the stream sets (alone or in MULTI). */
class TtlExtendEndToEndTest {
    private static final long HOUR = 3_600_000;

    @Test
    void snapshotAndStreamExpiriesAreExtended() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            source.sync().setex("snap", 600, "v");
            try (JobProcess job = JobProcess.start(Migrations.runArgs(source, target, "--ttl-extend", "1h"))) { // exact: --ttl-margin 0s
                job.awaitRunning(Duration.ofSeconds(60));
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);
                source.sync().setex("setex", 600, "v");
                source.sync().set("set-ex", "v", io.lettuce.core.SetArgs.Builder.ex(600));
                source.sync().set("plain", "v");
                source.sync().expire("plain", 600);
                source.sync().set("at", "v");
                source.sync().pexpireat("at", System.currentTimeMillis() + 600_000);
                source.sync().multi();
                source.sync().set("in-multi", "v");
                source.sync().expire("in-multi", 600);
                source.sync().exec();
                source.sync().set("no-ttl", "v");
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);
                job.stopWithSavepoint(Duration.ofSeconds(60));
            }
            for (String k : List.of("snap", "setex", "set-ex", "plain", "at", "in-multi")) {
                long want = expireTime(source, k) + HOUR;
                long got = expireTime(target, k);
                assertTrue(Math.abs(got - want) <= 1000, k + ": target expires at " + got + ", want " + want);
            }
            assertEquals(-1L, expireTime(target, "no-ttl"));
        }
    }

    /**
     * Hash-field TTLs (Redis ≥ 7.4) get the same shift (--ttl-extend 1h + the default --ttl-margin 5m): in the
     * snapshot (such hashes take the decoding path, HSET + HPEXPIREAT, since a RESTORE payload's field TTLs cannot
     * be moved; a listpack and a hashtable-encoded hash) and in the stream (HPEXPIRE/HEXPIRE, and on Redis ≥ 8.0
     * HSETEX and HGETEX, which Redis replicates as HSETEX … PXAT and HPEXPIREAT).
     */
    /** The matrix's versions with hash-field TTLs; the system server alone (skipped) when there is none. */
    static java.util.List<ServerVersion> hashFieldTtlVersions() {
        java.util.List<ServerVersion> l = new java.util.ArrayList<>();
        for (ServerVersion v : ServerVersions.all()) if (v.hashFieldTtl()) l.add(v);
        return l.isEmpty() ? java.util.List.of(ServerVersions.system()) : l;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hashFieldTtlVersions")
    void hashFieldTtlsAreShifted(ServerVersion v) throws Exception {
        double version = v.number();
        String reason = "hash-field TTLs need Redis ≥ 7.4 (redis-8.0 of the version matrix); only " + ServerVersions.all()
                + " here";
        if (!v.hashFieldTtl()) System.out.println("skipped hashFieldTtlsAreShifted: " + reason);
        Assumptions.assumeTrue(v.hashFieldTtl(), reason);
        long shift = HOUR + 300_000;
        try (RedisServer source = RedisServer.start(v); RedisServer target = RedisServer.start(v)) {
            source.call("HSET", "snap-lp", "f1", "v1", "f2", "v2", "f3", "v3");
            source.call("HPEXPIRE", "snap-lp", "600000", "FIELDS", "2", "f1", "f2");
            source.sync().pexpire("snap-lp", 900_000);
            source.call("CONFIG", "SET", "hash-max-listpack-entries", "0");
            source.call("HSET", "snap-ht", "g1", "v1", "g2", "v2");
            source.call("HPEXPIRE", "snap-ht", "700000", "FIELDS", "1", "g1");
            source.call("CONFIG", "SET", "hash-max-listpack-entries", "128");
            assertEquals("hashtable", String.valueOf(source.call("OBJECT", "ENCODING", "snap-ht").get(0)));
            List<String[]> fields = new java.util.ArrayList<>(List.of(new String[] {"snap-lp", "f1"},
                    new String[] {"snap-lp", "f2"}, new String[] {"snap-ht", "g1"}));
            try (JobProcess job = JobProcess.start(Migrations.runArgs(source, target, "--ttl-extend", "1h", "--ttl-margin", "5m"))) {
                job.awaitRunning(Duration.ofSeconds(60));
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);
                source.call("HSET", "st", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5");
                source.call("HEXPIRE", "st", "600", "FIELDS", "1", "a");
                source.call("HPEXPIREAT", "st", String.valueOf(System.currentTimeMillis() + 600_000), "FIELDS", "1", "b");
                fields.add(new String[] {"st", "a"});
                fields.add(new String[] {"st", "b"});
                if (version >= 8.0) {
                    source.call("HSETEX", "st8", "EX", "600", "FIELDS", "2", "x", "1", "y", "2");
                    source.call("HSET", "st8", "z", "3", "w", "4");
                    source.call("HGETEX", "st8", "PX", "650000", "FIELDS", "1", "z");
                    source.call("HGETEX", "st8", "PERSIST", "FIELDS", "1", "y");
                    fields.add(new String[] {"st8", "x"});
                    fields.add(new String[] {"st8", "z"});
                }
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);
                job.stopWithSavepoint(Duration.ofSeconds(60));
            }
            for (String[] kf : fields) {
                long want = fieldExpireTime(source, kf[0], kf[1]) + shift;
                long got = fieldExpireTime(target, kf[0], kf[1]);
                assertTrue(want > shift && Math.abs(got - want) <= 1000,
                        kf[0] + "." + kf[1] + ": target field expires at " + got + ", want " + want);
            }
            assertEquals(-1L, fieldExpireTime(target, "snap-lp", "f3"), "a field without a TTL keeps none");
            if (version >= 8.0) assertEquals(-1L, fieldExpireTime(target, "st8", "y"), "HGETEX PERSIST");
            long keyWant = expireTime(source, "snap-lp") + shift;
            assertTrue(Math.abs(expireTime(target, "snap-lp") - keyWant) <= 1000, "the key's own TTL is shifted too");
            Migrations.dropFences(target);
            Migrations.dropHeartbeats(source);
            for (String k : List.of("snap-lp", "snap-ht", "st", "st8")) {
                assertEquals(source.call("HGETALL", k).size(), target.call("HGETALL", k).size(), k + " fields");
            }
        }
    }

    private static long fieldExpireTime(RedisServer s, String key, String field) {
        Object r = s.call("HPEXPIRETIME", key, "FIELDS", "1", field).get(0);
        if (r instanceof List) r = ((List<?>) r).get(0);
        return ((Number) r).longValue();
    }

    private static long expireTime(RedisServer s, String key) {
        return ((Number) s.call("PEXPIRETIME", key).get(0)).longValue();
    }
}
