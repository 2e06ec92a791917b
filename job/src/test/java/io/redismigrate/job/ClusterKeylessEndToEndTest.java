package io.redismigrate.job;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestCluster;
import io.redismigrate.job.testutils.JobProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keyless stream commands (FUNCTION LOAD / DELETE / LOAD again, PUBLISH) on a standalone source → 3-master cluster
 * target, with a non-idempotent write load, the job killed (SIGKILL) after they were applied and before a newer
 * checkpoint, and resumed from the newest retained checkpoint: the replay must not re-apply them (a replayed
 * FUNCTION LOAD fails with "Library already exists"; a replayed PUBLISH delivers twice), the job must keep running,
 * and at the end every master holds the source's libraries and the data is equal.
 */
class ClusterKeylessEndToEndTest {
    private static final String LIB_V1 = "#!lua name=kl\nredis.register_function('kl_f', function() return 1 end)";
    private static final String LIB_V2 = "#!lua name=kl\nredis.register_function('kl_f', function() return 2 end)";
    private static final String OTHER = "#!lua name=kl_other\nredis.register_function('kl_g', function() return 3 end)";

    @TempDir
    Path tmp;

    @Test
    void keylessCommandsAreExactlyOnceAcrossKillNine() throws Exception {
        Path checkpoints = tmp.resolve("chk");
        // a 64 MB backlog: the resume must continue the stream (+CONTINUE), a new snapshot would hide the replay
        try (RedisServer source = RedisServer.start("--repl-backlog-size", "64mb"); TestCluster cluster = TestCluster.start(3)) {
            ClusterTargetEndToEndTest.populate(source);
            source.call("FUNCTION", "LOAD", OTHER); // in the snapshot
            RedisServer slot0Owner = cluster.owner(0);
            List<String> received = new CopyOnWriteArrayList<>();
            RedisClient subClient = RedisClient.create(RedisURI.create("127.0.0.1", nextMaster(cluster, slot0Owner).port()));
            StatefulRedisPubSubConnection<String, String> sub = subClient.connectPubSub();
            try {
                sub.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        received.add(message);
                    }
                });
                sub.sync().subscribe("kl-news"); // a cluster forwards PUBLISH to every node
                AtomicBoolean stop = new AtomicBoolean();
                AtomicReference<Throwable> loadFailed = new AtomicReference<>();
                int[] i = {0};
                Thread load = new Thread(() -> {
                    try {
                        while (!stop.get()) ClusterTargetEndToEndTest.nonIdempotent(source, i[0]++);
                    } catch (Throwable t) {
                        loadFailed.set(t);
                    }
                }, "load");
                String[] args = runArgs(source, cluster, checkpoints);
                String jobId;
                Path chk;
                try (JobProcess job = JobProcess.start(args)) {
                    jobId = job.awaitRunning(Duration.ofSeconds(60));
                    load.start();
                    // right after a checkpoint of the stream phase: the keyless commands, then wait until they are
                    // applied on the target and kill the job before the next checkpoint covers them
                    // only a checkpoint of the stream phase resumes with +CONTINUE: one taken during the snapshot
                    // (a slow start in a loaded run) makes the resume take a new snapshot, correctly. The first
                    // checkpoint after the snapshot was parsed may still have been triggered before the stream
                    // phase began; the next one (8 s later) cannot have been.
                    job.awaitLog("snapshot parsed", Duration.ofSeconds(60));
                    Path first = awaitNewCheckpoint(checkpoints, jobId, JobProcess.latestCheckpoint(checkpoints, jobId), job);
                    chk = awaitNewCheckpoint(checkpoints, jobId, first, job);
                    source.call("FUNCTION", "LOAD", LIB_V1);
                    source.call("FUNCTION", "DELETE", "kl");
                    source.call("FUNCTION", "LOAD", LIB_V2);
                    source.sync().publish("kl-news", "hello");
                    source.sync().set("after-keyless", "1");
                    long deadline = System.currentTimeMillis() + 5_000;
                    while (received.isEmpty() || cluster.owner(TestCluster.slot("after-keyless")).sync().get("after-keyless") == null) {
                        if (System.currentTimeMillis() > deadline) throw new AssertionError("keyless commands not applied\n" + job.output());
                        Thread.sleep(20);
                    }
                    Thread.sleep(300); // more load applied after the checkpoint, replayed too
                    job.kill9();
                    assertEquals(chk, JobProcess.latestCheckpoint(checkpoints, jobId),
                            "a newer checkpoint covered the keyless commands: nothing would be replayed");
                }
                assertEquals(List.of("hello"), received, "PUBLISH before the kill");
                assertEquals(libraries(source), libraries(slot0Owner), "libraries before the kill");
                try (JobProcess job = JobProcess.start(runArgs(source, cluster, checkpoints,
                        "--from-savepoint", chk.toString()))) {
                    job.awaitRunning(Duration.ofSeconds(60));
                    try {
                        job.awaitLog("continuing the replication stream from offset", Duration.ofSeconds(30));
                    } catch (AssertionError e) {
                        // the source's log says why it refused the partial resync ("Partial resynchronization not accepted: …")
                        throw new AssertionError(e.getMessage() + "\n--- source redis log (tail) ---\n" + sourceLogTail(source), e);
                    }
                    // the replay has passed the keyless commands once this key (written after them) is overwritten
                    source.sync().set("after-resume", "1");
                    long deadline = System.currentTimeMillis() + 30_000;
                    while (cluster.owner(TestCluster.slot("after-resume")).sync().get("after-resume") == null) {
                        String log = job.log();
                        if (log.contains("already exists") || log.contains("RedisWriteException") || !job.isAlive()
                                || System.currentTimeMillis() > deadline) {
                            throw new AssertionError("the resumed job did not get past the replayed keyless commands\n" + job.output());
                        }
                        Thread.sleep(50);
                    }
                    Thread.sleep(2000);
                    stop.set(true);
                    load.join();
                    assertNull(loadFailed.get());
                    new ClusterTargetEndToEndTest().awaitCaughtUp(source, cluster, job);
                    assertTrue(job.isAlive(), job.output());
                    String log = job.log();
                    assertTrue(!log.contains("taking a new snapshot") && !log.contains("already exists"), job.output());
                    job.stop(Duration.ofSeconds(60));
                } finally {
                    stop.set(true);
                    load.join();
                }
                assertTrue(i[0] > 300, "load too small: " + i[0]);
                Thread.sleep(200);
                assertEquals(List.of("hello"), received, "PUBLISH delivered exactly once");
            } finally {
                sub.close();
                subClient.shutdown();
            }
            List<Map<String, Object>> want = libraries(source);
            assertEquals(2, want.size(), "kl and kl_other on the source");
            for (RedisServer m : cluster.masters()) assertEquals(want, libraries(m), "libraries of master " + m.port());
            ClusterTargetEndToEndTest.assertEqual(source, cluster);
        }
    }

    /** Checkpoints every 8 s: the keyless commands go out right after one and the job dies before the next. */
    private static String[] runArgs(RedisServer source, TestCluster target, Path checkpoints, String... extra) {
        List<String> a = new ArrayList<>(List.of("run", "--source", source.uri(), "--target", target.uri(),
                "--mode", "full+incremental", "--ttl-margin", "0s", "--web-ui-port", "0", "--checkpoint-interval", "8s", "--parallelism", "2",
                "--checkpoint-dir", checkpoints.toUri().toString()));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    private static RedisServer nextMaster(TestCluster c, RedisServer m) {
        return c.masters().get((c.masters().indexOf(m) + 1) % c.masters().size());
    }

    /** FUNCTION LIST WITHCODE, sorted by library name, as name → fields maps. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> libraries(RedisServer s) {
        List<Map<String, Object>> libs = new ArrayList<>();
        for (Object o : s.call("FUNCTION", "LIST", "WITHCODE")) {
            List<Object> flat = (List<Object>) o;
            Map<String, Object> m = new java.util.TreeMap<>();
            for (int k = 0; k + 1 < flat.size(); k += 2) m.put(String.valueOf(flat.get(k)), flat.get(k + 1));
            libs.add(m);
        }
        libs.sort(Comparator.comparing(m -> String.valueOf(m.get("library_name"))));
        return libs;
    }

    /** Waits for a retained checkpoint newer than {@code after} (any, when null). */
    private static Path awaitNewCheckpoint(Path dir, String jobId, Path after, JobProcess job) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            Path c = JobProcess.latestCheckpoint(dir, jobId);
            if (c != null && !c.equals(after)) return c;
            if (!job.isAlive()) throw new AssertionError("the job exited\n" + job.output());
            if (System.currentTimeMillis() > deadline) throw new AssertionError("no checkpoint\n" + job.output());
            Thread.sleep(20);
        }
    }

    private static String sourceLogTail(RedisServer source) {
        try {
            String log = java.nio.file.Files.readString(source.dir().resolve("redis-" + source.port() + ".log"));
            return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
        } catch (java.io.IOException e) {
            return "(not readable: " + e.getMessage() + ")";
        }
    }
}
