package io.redismigrate.job;

import io.redismigrate.connector.event.SlotTags;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestCluster;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.Migrations;
import io.redismigrate.job.testutils.ScopeCheck;
import io.redismigrate.job.testutils.ScopeLoad;
import io.redismigrate.connector.testutils.ServerVersion;
import io.redismigrate.connector.testutils.ServerVersions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stream phase under every scope option: a load that switches DBs inside transactions and scripts and moves
 * data across the scope's edge ({@link ScopeLoad}) runs while the job migrates with --db/--db-map, with prefix
 * filters, and into a cluster with both; the job is killed with SIGKILL mid-load and resumed from its latest
 * checkpoint. The target must end equal to the source's scope, key by key, with nothing outside it, and the
 * tool's own {@code verify} must agree. Runs on every server version of the test matrix (source and target alike).
 */
class ScopedStreamEndToEndTest {
    @TempDir
    Path dir;

    static List<ServerVersion> versions() {
        return ServerVersions.all();
    }

    /** Every scope option at once, on every version: DBs in and out of scope, a mapped DB, a prefix filter. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void dbScopeMappingAndPrefix(ServerVersion v) throws Exception {
        try (RedisServer source = RedisServer.start(v, "--repl-backlog-size", "64mb"); RedisServer target = RedisServer.start(v)) {
            run(v, source, List.of(target), target.uri(), List.of(0, 3), db -> db == 3 ? 5 : db, k -> k.startsWith("user:"),
                    k -> target, "--db", "0,3", "--db-map", "3:5", "--include-prefix", "user:");
        }
    }

    /** DB scope alone (every key of DBs 0 and 3), on the default server. */
    @Test
    void dbScopeAndMapping() throws Exception {
        ServerVersion v = ServerVersions.system();
        try (RedisServer source = RedisServer.start(v, "--repl-backlog-size", "64mb"); RedisServer target = RedisServer.start(v)) {
            run(v, source, List.of(target), target.uri(), List.of(0, 3), db -> db == 3 ? 5 : db, k -> true,
                    k -> target, "--db", "0,3", "--db-map", "3:5");
        }
    }

    /** Prefix filters alone (every DB), on the default server. */
    @Test
    void prefixFilters() throws Exception {
        ServerVersion v = ServerVersions.system();
        try (RedisServer source = RedisServer.start(v, "--repl-backlog-size", "64mb"); RedisServer target = RedisServer.start(v)) {
            run(v, source, List.of(target), target.uri(), List.of(0, 1, 2, 3), db -> db, k -> k.startsWith("user:"),
                    k -> target, "--include-prefix", "user:");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void clusterTargetWithDbMapAndPrefix(ServerVersion v) throws Exception {
        try (RedisServer source = RedisServer.start(v, "--repl-backlog-size", "64mb"); TestCluster cluster = TestCluster.start(v, 3)) {
            run(v, source, cluster.masters(), cluster.uri(), List.of(3), db -> 0, k -> k.startsWith("user:"),
                    k -> cluster.owner(TestCluster.slot(k)), "--db", "3", "--db-map", "3:0", "--include-prefix", "user:",
                    "--parallelism", "2");
        }
    }

    private void run(ServerVersion v, RedisServer source, List<RedisServer> targets, String targetUri, List<Integer> dbs,
                     java.util.function.IntUnaryOperator map, java.util.function.Predicate<String> inScope,
                     java.util.function.Function<String, RedisServer> nodeFor, String... scope) throws Exception {
        boolean functions = v.hasFunctions();
        Path checkpoints = dir.resolve("checkpoints");
        List<String> args = new ArrayList<>(List.of("run", "--source", source.uri(), "--target", targetUri,
                "--mode", "full+incremental", "--web-ui-port", "0", "--checkpoint-interval", "1s",
                "--checkpoint-dir", checkpoints.toString(), "--savepoint-dir", dir.resolve("savepoints").toString()));
        args.addAll(List.of(scope));
        String[] base = args.toArray(new String[0]);
        try (ScopeLoad load = ScopeLoad.start(source, 1500, functions, v.atLeast(6, 2))) {
            Thread.sleep(1500); // keys in every DB and prefix before the snapshot
            String jobId;
            try (JobProcess job = JobProcess.start(base)) {
                jobId = job.awaitRunning(Duration.ofSeconds(60));
                job.awaitLog("snapshot parsed", Duration.ofSeconds(60));
                Path first = CrashResumeEndToEndTest.awaitCheckpoint(checkpoints, jobId, null, job);
                CrashResumeEndToEndTest.awaitCheckpoint(checkpoints, jobId, first, job);
                Thread.sleep(1500 + (long) (Math.random() * 700));
                job.kill9();
            }
            Path chk = CrashResumeEndToEndTest.checkpoint(checkpoints, jobId);
            List<String> resume = new ArrayList<>(List.of(base));
            resume.addAll(List.of("--from-savepoint", chk.toString()));
            try (JobProcess job = JobProcess.start(resume.toArray(new String[0]))) {
                job.awaitRunning(Duration.ofSeconds(60));
                job.awaitLog("continuing the replication stream", Duration.ofSeconds(30));
                Thread.sleep(2500);
                long ops = load.stop();
                assertTrue(ops > 5000, "load ops: " + ops);
                awaitCaughtUp(source, targets, nodeFor, dbs.get(dbs.size() - 1), map, inScope, job);
                assertTrue(job.isAlive(), job.output());
                job.stop(Duration.ofSeconds(60));
                Migrations.dropHeartbeats(source);
                ScopeCheck.assertScopeEqual(source, dbs, map, inScope, targets, nodeFor);
                List<String> verify = new ArrayList<>(List.of("verify", "--source", source.uri(), "--target", targetUri));
                for (int i = 0; i < scope.length; i++) {
                    if (scope[i].equals("--parallelism")) i++;
                    else verify.add(scope[i]);
                }
                MainTest.Run verified = MainTest.run(verify.toArray(new String[0]));
                assertEquals(0, verified.code(), "verify: " + verified.out() + verified.err());
            }
        }
    }

    /**
     * Writes a marker in an in-scope DB (one key per target node's slot share for a cluster: every slot gets one) and
     * waits until all of them arrived: every earlier command has then been applied (per-slot / per-stream order).
     */
    private static void awaitCaughtUp(RedisServer source, List<RedisServer> targets,
                                      java.util.function.Function<String, RedisServer> nodeFor, int db,
                                      java.util.function.IntUnaryOperator map, java.util.function.Predicate<String> inScope,
                                      JobProcess job) throws InterruptedException {
        Map<String, String> markers = new LinkedHashMap<>();
        for (int slot = 0; slot < 16384; slot += targets.size() == 1 ? 16384 : 1) {
            markers.put("user:{" + SlotTags.tag(slot) + "}marker", "1");
        }
        source.sync().select(db);
        source.sync().mset(markers);
        source.sync().select(0);
        int t = map.applyAsInt(db);
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            int n = 0;
            for (String k : markers.keySet()) {
                RedisServer node = nodeFor.apply(k);
                ScopeCheck.select(node, t);
                if (node.sync().exists(k) == 1) n++;
            }
            if (n == markers.size()) return;
            if (!job.isAlive()) throw new AssertionError("the job exited\n" + job.output());
            Thread.sleep(300);
        }
        throw new AssertionError("the target did not catch up within 120 s\n" + job.output());
    }
}
