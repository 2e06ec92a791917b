package io.redismigrate.job;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.Migrations;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The expiry race of a master target: a session key with a 2 s TTL, refreshed on the source just before it expires,
 * again and again, while the job lags more than 2 s behind (--incr-rps 200 and a write load of 200/s on top of a
 * 1,000-write backlog: about 5 s). Without a margin the target expires the key itself before the refresh arrives,
 * and the key is lost although the source never lost it; with the default --ttl-margin (5m) the target keeps it and
 * ends with the source's TTL plus the margin.
 */
class TtlRaceEndToEndTest {
    private static final long MARGIN_MS = 300_000; // the default --ttl-margin
    private static final String KEY = "session:x";

    private record Outcome(long sourceExpireTime, long targetExpireTime, long lagMs, boolean lostOnTargetMeanwhile) {}

    @Test
    void aRefreshedKeySurvivesALaggingTargetWithTheDefaultMargin() throws Exception {
        Outcome o = race(MARGIN_MS);
        assertTrue(o.lagMs() > 2000, "the job must lag more than the key's 2 s TTL (lag " + o.lagMs() + " ms)");
        assertTrue(o.targetExpireTime() > 0, "the target lost " + KEY + " (PEXPIRETIME " + o.targetExpireTime() + ")");
        long want = o.sourceExpireTime() + MARGIN_MS;
        assertTrue(Math.abs(o.targetExpireTime() - want) <= 1000,
                "target expires at " + o.targetExpireTime() + ", want the source's " + o.sourceExpireTime() + " + 5m");
        assertTrue(!o.lostOnTargetMeanwhile(), "the target never went without the key");
    }

    @Test
    void withoutAMarginTheTargetLosesTheKey() throws Exception {
        Outcome o = race(0, "--ttl-margin", "0s");
        assertTrue(o.sourceExpireTime() > 0, "the source still has the key");
        assertEquals(-2, o.targetExpireTime(), "the key is lost on the target (the race this margin closes)");
        assertTrue(o.lostOnTargetMeanwhile());
    }

    private static Outcome race(long marginMs, String... extra) throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            source.sync().set("seed", "1");
            List<String> args = new ArrayList<>(List.of("run", "--source", source.uri(), "--target", target.uri(),
                    "--mode", "full+incremental", "--web-ui-port", "0", "--checkpoint-interval", "1s", "--incr-rps", "200"));
            args.addAll(List.of(extra));
            try (JobProcess job = JobProcess.start(args.toArray(new String[0]))) {
                job.awaitRunning(Duration.ofSeconds(60));
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);

                source.sync().psetex(KEY, 2000, "v");
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);
                assertEquals(1L, target.sync().exists(KEY), "the key reached the target");
                // refresh every 1.5 s (the key never expires on the source); in between, a write load: a backlog
                // of 1,000 writes at once, then 200/s, which --incr-rps 200 drains no faster than it grows (≈ 5 s lag)
                assertTrue(source.sync().pexpire(KEY, 2000));
                long start = System.currentTimeMillis();
                long lastRefresh = start;
                boolean lostMeanwhile = false;
                int n = 0;
                int refreshes = 0;
                while (refreshes < 6) {
                    long now = System.currentTimeMillis();
                    if (now >= lastRefresh + 1500) {
                        assertTrue(source.sync().pexpire(KEY, 2000), "the source still has the key at refresh " + refreshes);
                        lastRefresh = now;
                        refreshes++;
                        lostMeanwhile |= target.sync().exists(KEY) == 0;
                    } else if (n < 1000 + (now - start) / 5) {
                        for (int i = 0; i < 20; i++) source.sync().set("load:" + n++, "x");
                    } else {
                        Thread.sleep(5);
                    }
                }
                // a last, longer refresh: once it is applied the source keeps the key for a minute
                source.sync().pexpire(KEY, 60_000);
                long refreshedAt = System.currentTimeMillis();
                long sourceAt = expireTime(source);
                long lag = -1;
                long deadline = refreshedAt + 60_000;
                while (System.currentTimeMillis() < deadline) {
                    lostMeanwhile |= target.sync().exists(KEY) == 0;
                    if (expireTime(target) >= sourceAt + marginMs - 1000) { // the last refresh arrived
                        lag = System.currentTimeMillis() - refreshedAt;
                        break;
                    }
                    if (Migrations.fence(source, target) >= Migrations.masterOffset(source)) break; // applied, key gone
                    Thread.sleep(20);
                }
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(120), job);
                long targetAt = expireTime(target);
                job.stopWithSavepoint(Duration.ofSeconds(60));
                Outcome o = new Outcome(expireTime(source), targetAt, lag, lostMeanwhile);
                System.out.println("ttl race " + List.of(extra) + ": " + o + ", " + n + " load writes");
                return o;
            }
        }
    }

    private static long expireTime(RedisServer s) {
        s.sync().select(0);
        return ((Number) s.call("PEXPIRETIME", KEY).get(0)).longValue();
    }
}
