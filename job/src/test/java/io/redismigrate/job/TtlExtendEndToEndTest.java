package io.redismigrate.job;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.Migrations;
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
            try (JobProcess job = JobProcess.start(Migrations.runArgs(source, target, "--ttl-extend", "1h"))) {
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

    private static long expireTime(RedisServer s, String key) {
        return ((Number) s.call("PEXPIRETIME", key).get(0)).longValue();
    }
}
