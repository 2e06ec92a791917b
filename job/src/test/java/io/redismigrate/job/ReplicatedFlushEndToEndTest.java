package io.redismigrate.job;

import io.redismigrate.connector.testutils.RedisCluster;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.Migrations;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A FLUSHALL/FLUSHDB in the replication stream removes on the target what the migration owns there — the DBs in
 * scope (--db/--db-map), the keys passing the prefix filters, a cluster shard's slots — and nothing else.
 */
class ReplicatedFlushEndToEndTest {

    @Test
    void flushallEmptiesOnlyTheDbsInScope() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            for (int i = 0; i < 50; i++) source.sync().set("a:" + i, "v");
            source.sync().select(2);
            source.sync().set("other-db", "v");
            target.sync().select(5);
            target.sync().set("keep:me", "not the migration's");
            try (JobProcess job = JobProcess.start(Migrations.runArgs(source, target, "--db", "0"))) {
                job.awaitRunning(Duration.ofSeconds(60));
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);
                assertEquals(userKeys(source, 0), userKeys(target, 0));
                assertEquals(51, userKeys(target, 0).size(), "50 keys and the catch-up marker");

                source.sync().select(3); // a DB out of scope selected: FLUSHALL still empties DB 0
                source.sync().flushall();
                source.sync().select(0);
                source.sync().set("after:1", "v");
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);
                assertEquals(userKeys(source, 0), userKeys(target, 0));
                assertEquals("not the migration's", get(target, 5, "keep:me"));

                for (int i = 0; i < 20; i++) source.sync().set("b:" + i, "v");
                source.sync().flushall(); // from DB 0 this time
                source.sync().set("after:2", "v");
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);
                assertEquals(userKeys(source, 0), userKeys(target, 0));
                assertEquals("not the migration's", get(target, 5, "keep:me"), "a key outside --db must survive");
                job.stopWithSavepoint(Duration.ofSeconds(60));
            }
        }
    }

    @Test
    void flushallRemovesOnlyKeysPassingThePrefixFilters() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            for (int i = 0; i < 50; i++) source.sync().set("a:" + i, "v");
            source.sync().set("b:source", "not migrated");
            target.sync().set("b:keep", "not the migration's");
            try (JobProcess job = JobProcess.start(Migrations.runArgs(source, target, "--include-prefix", "a:",
                    "--include-prefix", Migrations.MARKER, "--conflict", "overwrite"))) {
                job.awaitRunning(Duration.ofSeconds(60));
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);
                source.sync().flushdb();
                source.sync().set("a:after", "v");
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);
                assertEquals(Set.of("a:after", "b:keep", Migrations.MARKER), userKeys(target, 0));
                assertEquals("not the migration's", target.sync().get("b:keep"));
                job.stopWithSavepoint(Duration.ofSeconds(60));
            }
        }
    }

    @Test
    void flushallOnOneSourceShardRemovesOnlyThatShardsKeys() throws Exception {
        try (RedisCluster source = RedisCluster.start(3, 0); RedisServer target = RedisServer.start()) {
            for (int i = 0; i < 300; i++) source.connectionFor("k:" + i).set("k:" + i, "v");
            try (JobProcess job = JobProcess.start("run", "--source", source.masters().get(0).uri(), "--target", target.uri(),
                    "--mode", "full+incremental", "--ttl-margin", "0s", "--web-ui-port", "0", "--checkpoint-interval", "1s")) {
                job.awaitRunning(Duration.ofSeconds(90));
                await(() -> target.sync().dbsize() >= 300, job);
                RedisServer flushed = source.masters().get(1);
                long remaining = 300 - userKeys(flushed, 0).size();
                flushed.sync().flushall();
                // a marker on the flushed shard, written after the FLUSHALL, tells when the target has seen it
                String marker = "{" + io.redismigrate.connector.event.SlotTags.tag(firstSlot(flushed)) + "}after";
                flushed.sync().set(marker, "v");
                await(() -> target.sync().exists(marker) == 1, job);
                Set<String> want = new TreeSet<>();
                for (RedisServer m : source.masters()) want.addAll(userKeys(m, 0));
                assertEquals(remaining + 1, want.size());
                assertEquals(want, userKeys(target, 0), "only the flushed shard's keys may go");
                job.stopWithSavepoint(Duration.ofSeconds(60));
            }
        }
    }

    private static int firstSlot(RedisServer master) {
        String slots = RedisCluster.slotsOf(master);
        return Integer.parseInt(slots.split("[-,]")[0]);
    }

    private static void await(BooleanSupplier condition, JobProcess job) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return;
            if (!job.isAlive()) throw new AssertionError("the job exited\n" + job.output());
            Thread.sleep(50);
        }
        throw new AssertionError("timed out\n" + job.output());
    }

    /** Keys of {@code db} without the tool's own (fences, heartbeats). */
    private static Set<String> userKeys(RedisServer s, int db) {
        s.sync().select(db);
        Set<String> keys = new TreeSet<>();
        for (String k : s.sync().keys("*")) if (!k.startsWith("__redis_migrate:")) keys.add(k);
        s.sync().select(0);
        return keys;
    }

    private static String get(RedisServer s, int db, String key) {
        s.sync().select(db);
        String v = s.sync().get(key);
        s.sync().select(0);
        return v;
    }
}
