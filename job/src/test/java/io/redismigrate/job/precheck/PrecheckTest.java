package io.redismigrate.job.precheck;

import io.redismigrate.connector.testutils.RedisCluster;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.job.MigrationOptions;
import io.redismigrate.job.MainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrecheckTest {
    private static Duration defaultSample;
    private RedisServer source;
    private RedisServer target;

    @BeforeAll
    static void shortSample() {
        defaultSample = ResumeWindow.sampleInterval;
        ResumeWindow.sampleInterval = Duration.ofMillis(500);
    }

    @AfterAll
    static void restoreSample() {
        ResumeWindow.sampleInterval = defaultSample;
    }

    @BeforeEach
    void start() throws Exception {
        source = RedisServer.start();
        target = RedisServer.start();
    }

    @AfterEach
    void stop() {
        if (source != null) source.close();
        if (target != null) target.close();
    }

    private static CheckResult row(List<CheckResult> results, String check) {
        return results.stream().filter(r -> r.check().equals(check)).findFirst()
                .orElseThrow(() -> new AssertionError("no row '" + check + "' in " + results));
    }

    private static List<CheckResult> runAll(String... args) throws Exception {
        return new Precheck(MigrationOptions.parse(args)).runAll();
    }

    @Test
    void cleanPairPasses() throws Exception {
        source.sync().set("a", "1");
        source.sync().select(3);
        source.sync().set("b", "2");
        List<CheckResult> results = runAll("precheck", "--source", source.uri(), "--target", target.uri());
        assertTrue(results.stream().noneMatch(CheckResult::failed), results.toString());
        assertEquals(CheckResult.Status.OK, row(results, "source reachable").status());
        assertTrue(row(results, "source version").detail().matches("redis \\d+\\.\\d+\\.\\d+, role master, RDB \\d+"),
                row(results, "source version").detail());
        assertEquals("standalone", row(results, "source topology").detail());
        assertEquals(CheckResult.Status.OK, row(results, "source PSYNC permission").status());
        assertEquals(CheckResult.Status.OK, row(results, "source repl-diskless-sync-delay").status()); // harness sets 0
        assertTrue(row(results, "decoding path").detail().startsWith("not needed"));
        assertEquals("all DBs, 2 keys (db0=1, db3=1)", row(results, "source DBs in scope").detail());
        assertEquals("empty", row(results, "target DBs in scope").detail());

        MainTest.Run r = MainTest.run("precheck", "--source", source.uri(), "--target", target.uri());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("check"), r.out());
        assertTrue(r.out().contains("target writable"), r.out());
        assertEquals("", r.err());
        assertEquals(results.size(), Precheck.ensurePassed(MigrationOptions.parse("run", "--source", source.uri(),
                "--target", target.uri())).size());
    }

    @Test
    void nonEmptyTargetDbFailsUnlessOverwrite() throws Exception {
        target.sync().select(2);
        target.sync().set("x", "1");
        target.sync().set("y", "1");
        target.sync().select(9);
        target.sync().set("out-of-scope", "1");

        MainTest.Run r = MainTest.run("precheck", "--source", source.uri(), "--target", target.uri(), "--db", "2");
        assertEquals(3, r.code());
        r.assertOneLine();
        assertEquals("redis-migrate: precheck failed: target DBs in scope: target db2 holds 2 keys; empty it (FLUSHDB)"
                + " or use --conflict overwrite", r.err().trim());
        assertTrue(r.out().contains("FAIL"), r.out());

        // db9 is not in scope: --db 0 maps to db0 which is empty
        assertEquals(0, MainTest.run("precheck", "--source", source.uri(), "--target", target.uri(), "--db", "0").code());
        // db-map points source db0 at the non-empty target db2
        assertEquals(3, MainTest.run("precheck", "--source", source.uri(), "--target", target.uri(), "--db", "0",
                "--db-map", "0:2").code());

        List<CheckResult> overwrite = runAll("precheck", "--source", source.uri(), "--target", target.uri(),
                "--conflict", "overwrite");
        assertTrue(overwrite.stream().noneMatch(CheckResult::failed), overwrite.toString());
        assertEquals(2, overwrite.stream().filter(c -> c.check().equals("target DBs in scope")
                && c.status() == CheckResult.Status.WARN).count(), overwrite.toString());

        PrecheckFailedException e = assertThrows(PrecheckFailedException.class, () -> Precheck.ensurePassed(
                MigrationOptions.parse("run", "--source", source.uri(), "--target", target.uri())));
        assertTrue(e.getMessage().startsWith("precheck failed: target DBs in scope: target db2 holds 2 keys"), e.getMessage());
    }

    @Test
    void userWithoutPsyncPermissionFails() throws Exception {
        source.call("ACL", "SETUSER", "reader", "on", ">readerpw", "~*", "+@all", "-psync", "-sync");
        List<CheckResult> results = runAll("precheck", "--source", source.uri("reader", "readerpw"), "--target", target.uri());
        CheckResult psync = row(results, "source PSYNC permission");
        assertEquals(CheckResult.Status.FAIL, psync.status(), psync.toString());
        assertTrue(psync.detail().contains("user 'reader' may not run PSYNC") && psync.detail().contains("ACL SETUSER reader +psync"),
                psync.detail());
        assertFalse(results.toString().contains("readerpw"));
    }

    @Test
    void userThatMayNotRunAclDryrunIsSkipped() throws Exception {
        source.call("ACL", "SETUSER", "migrator", "on", ">pw", "~*", "+@all", "-acl");
        CheckResult psync = row(runAll("precheck", "--source", source.uri("migrator", "pw"), "--target", target.uri()),
                "source PSYNC permission");
        assertEquals(CheckResult.Status.SKIP, psync.status(), psync.toString());
    }

    @Test
    void disklessDelayWarns() throws Exception {
        source.call("CONFIG", "SET", "repl-diskless-sync", "yes");
        source.call("CONFIG", "SET", "repl-diskless-sync-delay", "5");
        CheckResult delay = row(runAll("precheck", "--source", source.uri(), "--target", target.uri()),
                "source repl-diskless-sync-delay");
        assertEquals(CheckResult.Status.WARN, delay.status());
        assertTrue(delay.detail().startsWith("5 s"), delay.detail());
    }

    @Test
    void replicaTargetFails() throws Exception {
        target.call("REPLICAOF", "127.0.0.1", String.valueOf(source.port()));
        MainTest.Run r = MainTest.run("precheck", "--source", source.uri(), "--target", target.uri());
        assertEquals(3, r.code());
        assertTrue(r.err().contains("target writable: target is a replica of 127.0.0.1:" + source.port()), r.err());
    }

    @Test
    void smallTargetMemoryWarns() throws Exception {
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 100_000; i++) big.append("0123456789");
        for (int i = 0; i < 30; i++) source.sync().set("big" + i, big.toString()); // ~30 MB
        target.call("CONFIG", "SET", "maxmemory", "20mb");
        CheckResult memory = row(runAll("precheck", "--source", source.uri(), "--target", target.uri()), "target memory");
        assertEquals(CheckResult.Status.WARN, memory.status(), memory.toString());
        assertTrue(memory.detail().contains("maxmemory 20mb") && memory.detail().contains("may not fit"), memory.detail());

        target.call("CONFIG", "SET", "maxmemory", "0");
        assertEquals(CheckResult.Status.OK,
                row(runAll("precheck", "--source", source.uri(), "--target", target.uri()), "target memory").status());
    }

    @Test
    void clusterSourceWithoutSlotsFailsClearly() throws Exception {
        try (RedisServer cluster = RedisServer.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes-precheck.conf")) {
            MainTest.Run r = MainTest.run("precheck", "--source", cluster.uri(), "--target", target.uri());
            assertEquals(3, r.code());
            r.assertOneLine();
            assertTrue(r.err().contains("source topology: cluster node, but no shard serves any slot"), r.err());
        }
    }

    @Test
    void clusterSourcePasses() throws Exception {
        try (RedisCluster cluster = RedisCluster.start(3, 1)) {
            RedisServer seed = cluster.replicas().get(0);
            for (int i = 0; i < 30; i++) cluster.connectionFor("k" + i).set("k" + i, "v");
            List<CheckResult> rows = runAll("precheck", "--source", seed.uri(), "--target", target.uri());
            CheckResult topology = row(rows, "source topology");
            assertEquals(CheckResult.Status.OK, topology.status(), topology.toString());
            assertTrue(topology.detail().startsWith("cluster, 3 shards: "), topology.detail());
            for (RedisServer m : cluster.masters()) {
                assertTrue(topology.detail().contains("127.0.0.1:" + m.port() + " (slots "), topology.detail());
            }
            CheckResult psync = row(rows, "source PSYNC permission");
            assertEquals(CheckResult.Status.OK, psync.status(), psync.toString());
            assertTrue(psync.detail().contains("on every shard's master"), psync.detail());
            assertTrue(row(rows, "source DBs in scope").detail().contains("30 keys (db0=30)"), row(rows, "source DBs in scope").detail());
            List<CheckResult> windows = rows.stream().filter(r -> r.check().equals("source resume window")).collect(Collectors.toList());
            assertEquals(3, windows.size(), windows.toString()); // one per shard's master
            for (RedisServer m : cluster.masters()) {
                assertTrue(windows.stream().anyMatch(w -> w.detail().startsWith("127.0.0.1:" + m.port() + ": write rate ")), windows.toString());
            }

            CheckResult viaReplica = row(runAll("precheck", "--source", seed.uri(), "--target", target.uri(),
                    "--source-prefer", "replica"), "source PSYNC permission");
            assertTrue(viaReplica.detail().contains("on every shard's replica"), viaReplica.detail());

            MainTest.Run db = MainTest.run("precheck", "--source", seed.uri(), "--target", target.uri(), "--db", "1");
            assertEquals(3, db.code());
            assertTrue(db.err().contains("--db 1 does not exist: a cluster source has DB 0 only"), db.err());

        }
    }

    @Test
    void clusterShardUnreachableFailsFast() throws Exception {
        try (RedisCluster cluster = RedisCluster.start(2, 0)) {
            RedisServer alive = cluster.masters().get(0);
            RedisServer dead = cluster.masters().get(1);
            dead.close(); // the others still list it as a master for --cluster-node-timeout (2 s)
            MainTest.Run r = MainTest.run("precheck", "--source", alive.uri(), "--target", target.uri());
            assertEquals(3, r.code(), r.err());
            r.assertOneLine();
            assertTrue(r.err().contains("source 127.0.0.1:" + dead.port() + " is unreachable (connection refused)"), r.err());
        }
    }

    @Test
    void dbOutsideTheSourceFails() throws Exception {
        MainTest.Run r = MainTest.run("precheck", "--source", source.uri(), "--target", target.uri(), "--db", "40");
        assertEquals(3, r.code());
        assertTrue(r.err().contains("--db 40 does not exist: the source has 16 databases"), r.err());

        MainTest.Run m = MainTest.run("precheck", "--source", source.uri(), "--target", target.uri(), "--db", "1",
                "--db-map", "1:20");
        assertEquals(3, m.code());
        assertTrue(m.err().contains("source db1 maps to target db20, but the target has 16 databases"), m.err());
    }

    @ParameterizedTest(name = "replica attached: {0}")
    @ValueSource(booleans = {false, true})
    void resumeWindowWarnsWhenWritesOutrunASmallBacklog(boolean withReplica) throws Exception {
        try (RedisServer replica = withReplica ? RedisServer.start() : null) {
            if (replica != null) attach(replica, source); // then master_repl_offset moves with the writes
            source.call("CONFIG", "SET", "repl-backlog-size", "16384");
            CheckResult window = whileWriting(() -> row(runAll("precheck", "--source", source.uri(), "--target", target.uri()),
                    "source resume window"));
            assertEquals(CheckResult.Status.WARN, window.status(), window.toString());
            String d = window.detail();
            assertTrue(d.matches("write rate [0-9.]+ (KB|MB)/s \\((master_repl_offset|client input) over .*"), d);
            assertTrue(d.contains(withReplica ? "(master_repl_offset over" : "(client input over"), d);
            assertTrue(d.contains("repl-backlog-size 16kb: covers a stop of "), d);
            assertTrue(d.matches(".*fix: CONFIG SET repl-backlog-size \\d+(mb|gb) on the source \\(1 h at this rate.*"), d);
            assertTrue(d.contains("in its redis.conf"), d);
        }
    }

    /** {@code run} does not wait for the sample: its rows (the WARN) arrive afterwards, while the job starts. */
    @Test
    void runSamplesTheResumeWindowInTheBackground() throws Exception {
        source.call("CONFIG", "SET", "repl-backlog-size", "16384");
        java.util.concurrent.BlockingQueue<CheckResult> later = new java.util.concurrent.LinkedBlockingQueue<>();
        CheckResult window = whileWriting(() -> {
            List<CheckResult> now = Precheck.ensurePassedSamplingLater(MigrationOptions.parse("run", "--source",
                    source.uri(), "--target", target.uri()), null, later::add);
            assertTrue(now.stream().noneMatch(r -> r.check().contains("resume window")), now.toString());
            return later.poll(10, java.util.concurrent.TimeUnit.SECONDS);
        });
        assertEquals("source resume window", window.check());
        assertEquals(CheckResult.Status.WARN, window.status(), window.toString());
    }

    @Test
    void resumeWindowIsInfoWithALargeBacklogAndNoWrites() throws Exception {
        source.call("CONFIG", "SET", "repl-backlog-size", "64mb");
        List<CheckResult> rows = runAll("precheck", "--source", source.uri(), "--target", target.uri());
        CheckResult window = row(rows, "source resume window");
        assertEquals(CheckResult.Status.INFO, window.status(), window.toString());
        assertTrue(window.detail().startsWith("write rate 0 B/s (no writes seen; "), window.detail());
        // no replica: the source frees its backlog repl-backlog-ttl (3600 s) after the job stops
        assertTrue(window.detail().contains("repl-backlog-size 64mb: covers a stop of up to 1 h (repl-backlog-ttl 3600"),
                window.detail());

        List<CheckResult> full = runAll("precheck", "--source", source.uri(), "--target", target.uri(), "--mode", "full");
        assertTrue(full.stream().noneMatch(r -> r.check().equals("source resume window")), full.toString());
    }

    @Test
    void resumeWindowWarnsWhenAShortBacklogTtlEndsItFirst() throws Exception {
        source.call("CONFIG", "SET", "repl-backlog-ttl", "60");
        CheckResult window = row(runAll("precheck", "--source", source.uri(), "--target", target.uri()), "source resume window");
        assertEquals(CheckResult.Status.WARN, window.status(), window.toString());
        assertTrue(window.detail().contains("covers a stop of up to 1 min (repl-backlog-ttl 60: ")
                && window.detail().endsWith("fix: CONFIG SET repl-backlog-ttl 0 on the source, and repl-backlog-ttl 0 in its redis.conf"),
                window.detail());
    }

    @Test
    void configRefusedFallsBackToInfo() throws Exception {
        source.call("ACL", "SETUSER", "noconfig", "on", ">pw", "~*", "+@all", "-config");
        target.call("ACL", "SETUSER", "noconfig", "on", ">pw", "~*", "+@all", "-config");
        List<CheckResult> rows = runAll("precheck", "--source", source.uri("noconfig", "pw"),
                "--target", target.uri("noconfig", "pw"));
        assertTrue(row(rows, "source resume window").detail().contains("repl_backlog_size (INFO; CONFIG GET refused) 1mb"),
                row(rows, "source resume window").detail());
        CheckResult persistence = row(rows, "target persistence");
        assertEquals(CheckResult.Status.INFO, persistence.status(), persistence.toString());
        assertTrue(persistence.detail().startsWith("AOF off, RDB save rules unknown (INFO persistence; CONFIG GET refused)"),
                persistence.detail());
    }

    @Test
    void targetPersistenceIsReported() throws Exception {
        // the harness starts servers with save "" and appendonly no
        CheckResult none = row(runAll("precheck", "--source", source.uri(), "--target", target.uri()), "target persistence");
        assertEquals(CheckResult.Status.WARN, none.status(), none.toString());
        assertTrue(none.detail().startsWith("none (appendonly no, save \"\"): a target restart loses everything; "
                + TargetPersistence.ON_LOST_WRITES + "; turn on AOF with CONFIG SET appendonly yes"), none.detail());
        CheckResult full = row(runAll("precheck", "--source", source.uri(), "--target", target.uri(), "--mode", "full"),
                "target persistence");
        assertEquals(CheckResult.Status.INFO, full.status(), full.toString());

        target.call("CONFIG", "SET", "appendonly", "yes");
        CheckResult aof = row(runAll("precheck", "--source", source.uri(), "--target", target.uri()), "target persistence");
        assertEquals(CheckResult.Status.INFO, aof.status(), aof.toString());
        assertEquals("AOF on (appendfsync everysec): a target restart loses at most ~1 s of writes", aof.detail());

        target.call("CONFIG", "SET", "appendonly", "no");
        target.call("CONFIG", "SET", "save", "3600 1");
        CheckResult rdb = row(runAll("precheck", "--source", source.uri(), "--target", target.uri()), "target persistence");
        assertEquals(CheckResult.Status.INFO, rdb.status(), rdb.toString());
        assertEquals("RDB snapshots only (save 3600 1): a target restart loses the writes since the last save", rdb.detail());
    }

    private interface Body<T> {
        T run() throws Exception;
    }

    /** Runs {@code body} while another thread writes ~1 KB values to the source (a few hundred KB/s). */
    private <T> T whileWriting(Body<T> body) throws Exception {
        byte[] value = new byte[1024];
        Arrays.fill(value, (byte) 'v');
        byte[] key = "writer".getBytes(StandardCharsets.UTF_8);
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try {
                while (!stop.get()) {
                    source.binary().set(key, value);
                    Thread.sleep(2);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "precheck-test-writer");
        source.binary(); // connect before the samples
        writer.start();
        try {
            return body.run();
        } finally {
            stop.set(true);
            writer.join();
        }
    }

    private static void attach(RedisServer replica, RedisServer master) throws InterruptedException {
        replica.call("REPLICAOF", "127.0.0.1", String.valueOf(master.port()));
        for (int i = 0; i < 100 && !replica.sync().info("replication").contains("master_link_status:up"); i++) Thread.sleep(50);
        assertTrue(replica.sync().info("replication").contains("master_link_status:up"), "replica did not attach");
    }

    @Test
    void tableIsAligned() {
        String t = Precheck.table(List.of(CheckResult.ok("a", "x"), CheckResult.fail("longer name", "y")));
        List<Integer> bars = t.lines().filter(l -> !l.startsWith("-")).map(l -> l.indexOf('|')).collect(Collectors.toList());
        assertEquals(1, bars.stream().distinct().count(), t);
    }
}
