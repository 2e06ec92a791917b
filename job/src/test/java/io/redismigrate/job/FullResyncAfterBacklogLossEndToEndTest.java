package io.redismigrate.job;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestData;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.Migrations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The source's backlog (16 kB, the minimum) cannot cover what was written while the job was stopped: the resume
 * gets +FULLRESYNC, empties the target DBs in scope, takes a new snapshot and ends equal — keys and function
 * libraries deleted on the source meanwhile are gone from the destination too.
 */
class FullResyncAfterBacklogLossEndToEndTest {
    static final String LIB_KEPT = "#!lua name=kept\nredis.register_function('k1', function(keys, args) return 1 end)";
    static final String LIB_GONE = "#!lua name=gone\nredis.register_function('g1', function(keys, args) return 1 end)";

    @TempDir
    Path dir;

    @Test
    void resumeBeyondTheBacklogTakesANewSnapshotAndDropsWhatTheSourceDeleted() throws Exception {
        try (RedisServer source = RedisServer.start("--repl-backlog-size", "16kb"); RedisServer target = RedisServer.start()) {
            TestData.populateAllTypes(source);
            source.call("FUNCTION", "LOAD", LIB_KEPT);
            source.call("FUNCTION", "LOAD", LIB_GONE);
            String[] args = Migrations.runArgs(source, target, "--savepoint-dir", dir.resolve("sp").toString(),
                    "--checkpoint-dir", dir.resolve("chk").toString());
            String savepoint;
            try (JobProcess job = JobProcess.start(args)) {
                job.awaitRunning(Duration.ofSeconds(60));
                job.awaitLog("snapshot parsed", Duration.ofSeconds(60));
                source.sync().incr("db0:int");
                source.sync().lpush("db0:list:small", "streamed");
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(30), job);
                savepoint = job.stopWithSavepoint(Duration.ofSeconds(60));
            }
            long syncFull = Migrations.stat(source, "sync_full");

            // while stopped: > 1 MB of writes (far beyond the backlog), deletions, a library deleted
            String value = "v".repeat(10_000);
            for (int i = 0; i < 150; i++) source.sync().set("filler:" + i, value);
            for (int i = 0; i < 150; i += 2) source.sync().del("filler:" + i);
            source.sync().del("db0:str", "db0:list:big", "db0:hash:big");
            source.sync().select(3);
            source.sync().del("db3:int", "db3:set:big");
            source.sync().select(0);
            source.call("FUNCTION", "DELETE", "gone");
            assertTrue(Migrations.masterOffset(source) > 1_000_000);

            String[] resume = Migrations.runArgs(source, target, "--savepoint-dir", dir.resolve("sp").toString(),
                    "--checkpoint-dir", dir.resolve("chk").toString(), "--from-savepoint", savepoint);
            try (JobProcess job = JobProcess.start(resume)) {
                job.awaitRunning(Duration.ofSeconds(60));
                job.awaitLog("could not continue", Duration.ofSeconds(30));
                job.awaitLog("emptying the target DBs in scope", Duration.ofSeconds(30));
                source.sync().incr("db0:int"); // the stream after the new snapshot
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(30), job);
                job.stopWithSavepoint(Duration.ofSeconds(60));
            }
            assertEquals(syncFull + 1, Migrations.stat(source, "sync_full"), "full syncs");
            target.sync().select(0);
            assertEquals(0, target.sync().exists("db0:str", "db0:list:big", "db0:hash:big", "filler:0", "filler:148"));
            assertEquals(1, target.sync().exists("filler:1"));
            target.sync().select(3);
            assertEquals(0, target.sync().exists("db3:int", "db3:set:big"));
            target.sync().select(0);
            Migrations.assertEqual(source, target);
        }
    }
    @Test
    void withPrefixFiltersTheNewSnapshotRemovesOnlyTheOwnedKeysTheSourceDeleted() throws Exception {
        try (RedisServer source = RedisServer.start("--repl-backlog-size", "16kb"); RedisServer target = RedisServer.start()) {
            for (int i = 0; i < 40; i++) source.sync().set("a:" + i, "v" + i);
            source.sync().set("b:source", "not migrated");
            // (--conflict overwrite would stop at the new snapshot rather than delete keys it cannot prove it owns:
            // ResumeSafetyEndToEndTest; so the foreign key arrives once the precheck found the target empty)
            String[] args = Migrations.runArgs(source, target, "--savepoint-dir", dir.resolve("sp").toString(),
                    "--checkpoint-dir", dir.resolve("chk").toString(), "--include-prefix", "a:",
                    "--include-prefix", Migrations.MARKER);
            String savepoint;
            try (JobProcess job = JobProcess.start(args)) {
                job.awaitRunning(Duration.ofSeconds(60));
                target.sync().set("b:keep", "not the migration's");
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(30), job);
                savepoint = job.stopWithSavepoint(Duration.ofSeconds(60));
            }
            String value = "v".repeat(10_000); // while stopped: far beyond the backlog, and deletions
            for (int i = 0; i < 150; i++) source.sync().set("a:filler:" + i, value);
            for (int i = 0; i < 150; i += 2) source.sync().del("a:filler:" + i);
            source.sync().del("a:0", "a:1");
            String[] resume = java.util.Arrays.copyOf(args, args.length + 2);
            resume[args.length] = "--from-savepoint";
            resume[args.length + 1] = savepoint;
            try (JobProcess job = JobProcess.start(resume)) {
                job.awaitRunning(Duration.ofSeconds(60));
                job.awaitLog("emptying the target DBs in scope", Duration.ofSeconds(30));
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(30), job);
                job.stopWithSavepoint(Duration.ofSeconds(60));
            }
            assertEquals(0, target.sync().exists("a:0", "a:1", "a:filler:0"), "deleted on the source while stopped");
            assertEquals(2, target.sync().exists("a:2", "a:filler:1"));
            assertEquals("not the migration's", target.sync().get("b:keep"), "a key outside the filters must stay");
            assertEquals(0, target.sync().exists("b:source"));
        }
    }
}
