package io.redismigrate.job;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.ServerVersions;
import io.redismigrate.connector.testutils.TestData;
import io.redismigrate.connector.testutils.VersionPair;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.KeyByKey;
import io.redismigrate.job.testutils.Load;
import io.redismigrate.job.testutils.Migrations;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Migrations between servers of different versions, one case per (source, target) pair of
 * {@link ServerVersions#pairs()} (named {@code redis-8.0 -> redis-6.0}): a snapshot ({@code --mode full}) of a mixed
 * data set of about 3,000 keys ({@link TestData#populateMixed}), and a live migration (full+incremental) with a write
 * load and every command family the source's version has, stopped with a savepoint once caught up. After each, the
 * target must equal the source by the project's {@code verify} and by an independent key-by-key check
 * ({@link KeyByKey}). What the target cannot store (function libraries before Redis 7.0, hash field TTLs before
 * Redis 7.4 and on Valkey) is left out of those two cases and checked on its own: the job must refuse at precheck,
 * with one line naming it, and leave the target untouched.
 */
class VersionPairsEndToEndTest {
    static List<VersionPair> functionRefusals() {
        return ServerVersions.pairs().stream().filter(VersionPair::functionsRefused).toList();
    }

    static List<VersionPair> hashFieldTtlRefusals() {
        return ServerVersions.pairs().stream().filter(VersionPair::hashFieldTtlRefused).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.redismigrate.connector.testutils.ServerVersions#pairs")
    void snapshotOfAMixedDataSetMakesTheTargetEqual(VersionPair pair) throws Exception {
        Timing time = new Timing("snapshot " + pair);
        try (RedisServer source = RedisServer.start(pair.source()); RedisServer target = RedisServer.start(pair.target())) {
            TestData.populateMixed(source, pair.functions(), pair.hashFieldTtl());
            time.lap("populate");
            // in this JVM (as bin/redis-migrate runs it, without the start of another JVM): --mode full ends by itself
            FullMigrationEndToEndTest.Run r = runFull(source, target);
            assertEquals(0, r.exit(), r.err() + r.out());
            assertTrue(r.out().contains("full migration done"), r.out());
            time.lap("job");
            assertEqual(pair, source, target, 2900, time);
        } finally {
            time.print();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.redismigrate.connector.testutils.ServerVersions#pairs")
    void streamPhaseOfEveryCommandFamilyMakesTheTargetEqual(VersionPair pair) throws Exception {
        Timing time = new Timing("stream " + pair);
        try (RedisServer source = RedisServer.start(pair.source()); RedisServer target = RedisServer.start(pair.target())) {
            TestData.populateMixed(source, pair.functions(), pair.hashFieldTtl());
            time.lap("populate");
            try (JobProcess job = JobProcess.start(Migrations.runArgs(source, target))) {
                job.awaitRunning(Duration.ofSeconds(60));
                time.lap("job running");
                job.awaitLog("snapshot parsed", Duration.ofSeconds(60));
                time.lap("snapshot parsed");
                long ops;
                try (Load load = Load.start(source, "load:", 1500)) {
                    IncrementalCommandsEndToEndTest.writeEveryCommand(source, pair.functions(), pair.hashFieldTtl());
                    Thread.sleep(500);
                    ops = load.stop();
                }
                assertTrue(ops > 100, "the load ran " + ops + " commands");
                time.lap("writes");
                Migrations.awaitCaughtUp(source, target, Duration.ofSeconds(60), job);
                time.lap("caught up");
                job.stopWithSavepoint(Duration.ofSeconds(60));
                time.lap("stopped");
            }
            Migrations.dropHeartbeats(source);
            assertEqual(pair, source, target, 2000, time);
        } finally {
            time.print();
        }
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("functionRefusals")
    void functionLibrariesIntoATargetWithoutFunctionsAreRefusedAtPrecheck(VersionPair pair) throws Exception {
        try (RedisServer source = RedisServer.start(pair.source()); RedisServer target = RedisServer.start(pair.target())) {
            source.sync().set("plain", "value");
            source.sync().rpush("list", "a", "b");
            source.call("FUNCTION", "LOAD", TestData.MIXED_LIBRARY);
            assertRefusedAtPrecheck(source, target, "function");
        }
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("hashFieldTtlRefusals")
    void hashFieldTtlsIntoATargetWithoutThemAreRefusedAtPrecheck(VersionPair pair) throws Exception {
        try (RedisServer source = RedisServer.start(pair.source()); RedisServer target = RedisServer.start(pair.target())) {
            source.sync().set("plain", "value");
            source.sync().select(1); // not in DB 0: every DB counts
            source.sync().hset("hash", Map.of("a", "1", "b", "2"));
            source.call("HPEXPIRE", "hash", "3600000", "FIELDS", "1", "a");
            source.sync().select(0);
            assertRefusedAtPrecheck(source, target, "field");
        }
    }

    /**
     * {@code run --mode full} exits 3 (precheck) with exactly one line on stderr that names {@code cause}, without a
     * stack trace, and the target holds no key afterwards.
     */
    private static void assertRefusedAtPrecheck(RedisServer source, RedisServer target, String cause) {
        FullMigrationEndToEndTest.Run r = runFull(source, target);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertAll(
                () -> assertEquals(3, r.exit(), "exit code of a precheck refusal; stderr: " + r.err() + "stdout: " + r.out()),
                () -> assertEquals(1, lines.size(), "one line on stderr, got " + lines),
                () -> assertTrue(!lines.isEmpty() && lines.get(0).toLowerCase().contains(cause),
                        "'" + cause + "' not named in " + lines),
                () -> assertFalse(r.err().contains("\tat "), "stack trace in " + r.err()),
                () -> assertEquals(Map.of(), Migrations.keyspace(target), "the target must stay untouched"));
    }

    /**
     * {@code run --mode full} in this JVM ({@link Main#execute}, what bin/redis-migrate runs), within 3 minutes: what
     * it prints on stdout and stderr (the console log aside) and its exit code.
     */
    private static FullMigrationEndToEndTest.Run runFull(RedisServer source, RedisServer target) {
        String[] args = Migrations.runArgs(source, target, "--mode", "full");
        return assertTimeoutPreemptively(Duration.ofMinutes(3), () -> FullMigrationEndToEndTest.run(args));
    }

    /**
     * The target equals the source by {@code redis-migrate verify} and by {@link KeyByKey} (both reported when both
     * fail), with at least {@code minKeys} keys compared, and holds the function library where both sides have
     * functions.
     */
    private static void assertEqual(VersionPair pair, RedisServer source, RedisServer target, long minKeys, Timing time) {
        assertAll(
                () -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    ByteArrayOutputStream err = new ByteArrayOutputStream();
                    int exit = Main.execute(new String[] {"verify", "--source", source.uri(), "--target", target.uri(),
                            "--ttl-margin", "0s"}, new PrintStream(out, true), new PrintStream(err, true));
                    time.lap("verify");
                    assertEquals(0, exit, "verify: " + out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
                },
                () -> {
                    long keys = KeyByKey.assertSameData(source, target);
                    time.lap("key by key");
                    assertTrue(keys >= minKeys, keys + " keys compared, expected at least " + minKeys);
                },
                () -> {
                    if (pair.functions()) {
                        assertTrue(target.call("FUNCTION", "LIST").toString().contains("pairlib"), "pairlib on the target");
                    }
                });
    }

    /** Time per phase of a test case, printed to the test output as one line ({@code timing: …}). */
    private static final class Timing {
        private final String name;
        private final long started = System.nanoTime();
        private long last = started;
        private final StringBuilder laps = new StringBuilder();

        Timing(String name) {
            this.name = name;
        }

        void lap(String phase) {
            long now = System.nanoTime();
            laps.append(", ").append(phase).append(' ').append((now - last) / 1_000_000).append(" ms");
            last = now;
        }

        void print() {
            System.out.println("timing: " + name + ": " + (System.nanoTime() - started) / 1_000_000 + " ms" + laps);
        }
    }
}
