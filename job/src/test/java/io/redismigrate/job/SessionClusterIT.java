package io.redismigrate.job;

import io.redismigrate.connector.progress.Progress;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestData;
import io.redismigrate.job.testutils.FlinkSessionCluster;
import io.redismigrate.job.testutils.Load;
import io.redismigrate.job.testutils.MainRun;
import io.redismigrate.job.testutils.RestMetrics;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The shaded job jar on a real Flink session cluster (JobManager and TaskManager in their own JVMs, see
 * {@link FlinkSessionCluster}), submitted the way users do it: {@code flink run} (Flink's CliFrontend in its own
 * process, attached and detached) and the REST API ({@code /jars/upload} + {@code /jars/:id/run}). Each run
 * migrates real redis-servers and checks the destination equals the source (DEBUG DIGEST, PEXPIRETIME, stream
 * groups and pending entries, functions); a job failing on the cluster must end FAILED with its cause and one
 * line from the client. Runs in {@code mvn verify} (failsafe), after the jar is packaged.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SessionClusterIT {
    static final Duration JOB_TIMEOUT = Duration.ofSeconds(60);
    static final Path JAR = Path.of(System.getProperty("redis-migrate.job-jar", "target/redis-migrate-job.jar"));
    static final Path CLASSPATH = Path.of(System.getProperty("redis-migrate.classpath-file", "target/classpath.txt"));

    static FlinkSessionCluster cluster;

    record Client(int exit, String out, String err) {}

    @BeforeAll
    static void startCluster() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " is missing: run 'mvn -B verify' (or package first)");
        cluster = FlinkSessionCluster.start(CLASSPATH);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void flinkRunAttachedMigratesEverythingAndPrintsTheSummary() throws Exception {
        try (RedisServer source = populatedSource(); RedisServer target = RedisServer.start()) {
            Set<String> before = cluster.jobIds();
            Process client = start(cluster.client("run", "-m", "127.0.0.1:" + cluster.restPort(), JAR.toString(),
                    "run", "--source", source.uri(), "--target", target.uri(), "--mode", "full"));
            String job = awaitNewJob(before, client);
            assertFinished(job, client);
            Client c = finish(client);
            assertEquals(0, c.exit(), c.err());
            assertTrue(c.out().contains("full migration done"), c.out());
            assertTrue(c.out().contains(job), "the client reports the job it submitted: " + c.out());
            FullMigrationEndToEndTest.assertEqual(source, target);
        }
    }

    @Test
    @Order(2)
    void flinkRunDetachedReturnsOnceSubmittedAndTheJobFinishes() throws Exception {
        try (RedisServer source = populatedSource(); RedisServer target = RedisServer.start()) {
            Set<String> before = cluster.jobIds();
            Process client = start(cluster.client("run", "-d", "-m", "127.0.0.1:" + cluster.restPort(), JAR.toString(),
                    "run", "--source", source.uri(), "--target", target.uri(), "--mode", "full"));
            Client c = finish(client);
            assertEquals(0, c.exit(), c.out() + c.err());
            assertTrue(c.out().contains("submitted (detached)"), c.out());
            Set<String> jobs = cluster.jobIds();
            jobs.removeAll(before);
            assertEquals(1, jobs.size(), "one new job: " + jobs);
            String job = jobs.iterator().next();
            assertTrue(c.out().contains(job), c.out());
            assertFinished(job, null);
            FullMigrationEndToEndTest.assertEqual(source, target);
        }
    }

    @Test
    @Order(9) // last: main runs inside the JobManager, and a System.exit there would end the cluster for the others
    void restSubmissionRunsTheJobLeavesTheJobManagerRunningAndReportsFailuresToTheCaller() throws Exception {
        try (RedisServer source = populatedSource(); RedisServer target = RedisServer.start()) {
            String jarId = upload(JAR);
            Set<String> before = cluster.jobIds();
            JsonNode args = new ObjectMapper().createObjectNode().set("programArgsList", new ObjectMapper().valueToTree(
                    List.of("run", "--source", source.uri(), "--target", target.uri(), "--mode", "full")));
            JsonNode run = post("/jars/" + jarId + "/run", args.toString());
            String job = run.path("jobid").asText();
            assertFalse(job.isEmpty(), "no job id in " + run);
            assertFalse(before.contains(job));
            assertFinished(job, null);
            FullMigrationEndToEndTest.assertEqual(source, target);
            // main ran inside the JobManager: it must not have ended that JVM
            Thread.sleep(500);
            assertEquals(1, cluster.rest("/overview").path("taskmanagers").asInt(), cluster.logTails());

            // again, into the now full target: the precheck refuses, and the REST caller gets that line
            HttpResponse<String> again = postRaw("/jars/" + jarId + "/run", args.toString());
            assertTrue(again.statusCode() >= 400, again.statusCode() + " " + again.body());
            assertTrue(again.body().contains("redis-migrate: precheck failed") && again.body().contains("(exit 3)"), again.body());
            Thread.sleep(500);
            assertEquals(1, cluster.rest("/overview").path("taskmanagers").asInt(), cluster.logTails());
        }
    }

    @Test
    @Order(3)
    void aJobFailingOnTheClusterEndsFailedAndTheClientSaysWhyInOneLine() throws Exception {
        try (RedisServer source = RedisServer.start();
             RedisServer target = RedisServer.start("--maxmemory", "3mb", "--maxmemory-policy", "noeviction")) {
            source.call("DEBUG", "POPULATE", "200000", "key", "64");
            Set<String> before = cluster.jobIds();
            Process client = start(cluster.client("run", "-m", "127.0.0.1:" + cluster.restPort(), JAR.toString(),
                    "run", "--source", source.uri(), "--target", target.uri(), "--mode", "full", "--conflict", "overwrite",
                    "--retry-other", "0s")); // no retry window: fail at the first OOM
            String job = awaitNewJob(before, client);
            assertEquals("FAILED", awaitTerminal(job));
            assertTrue(cluster.rootException(job).contains("maxmemory"), cluster.rootException(job));
            Client c = finish(client);
            assertEquals(1, c.exit(), c.out() + c.err());
            String err = c.err().trim();
            assertFalse(err.contains("\n"), "expected one line, got: " + err);
            assertTrue(err.startsWith("redis-migrate: failed:") && err.contains("out of memory"), err);
            assertFalse(c.out().contains("done"), c.out());
        }
    }

    /**
     * The documented resume on a cluster: a stream job under write load, password from a file, no directory
     * options (the cluster's execution.checkpointing.dir and savepoint-dir apply); {@code flink stop} with a
     * savepoint; the source's password rotated; {@code flink run -s} continues with a partial resync (the precheck
     * recognises the restore) and the target ends equal. No password byte is in the checkpoints, savepoints,
     * cluster and client logs, or the REST API.
     */
    @Test
    @Order(4)
    void stopWithSavepointThenFlinkRunDashSResumesWithARotatedPasswordAndNoSecretAnywhere() throws Exception {
        String oldPw = "cluster-Old/pw#1";
        String newPw = "cluster-New@pw:2";
        Path secrets = Files.createTempDirectory("redis-migrate-secret");
        Path pwFile = secrets.resolve("source.pw");
        Files.writeString(pwFile, oldPw + "\n");
        try (RedisServer source = RedisServer.start("--repl-backlog-size", "64mb", "--requirepass", oldPw);
             RedisServer target = RedisServer.start()) {
            source.withClientPassword(oldPw);
            TestData.populateAllTypes(source);
            List<String> jobArgs = List.of("run", "--source", source.uri(), "--source-password-file", pwFile.toString(),
                    "--target", target.uri(), "--mode", "full+incremental", "--checkpoint-interval", "1s", "--ttl-margin", "0s");
            String first;
            String second;
            try (Load load = Load.start(source, "cl:", 1000)) {
                first = submitDetached(List.of(), jobArgs);
                awaitCheckpoints(first, 2);
                assertTrue(Files.isDirectory(cluster.dir().resolve("checkpoints").resolve(first)),
                        "checkpoints in the cluster's execution.checkpointing.dir");
                Client stop = finish(start(cluster.client("stop", "-m", "127.0.0.1:" + cluster.restPort(), first)));
                assertEquals(0, stop.exit(), stop.out() + stop.err());
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("Path: (\\S+)").matcher(stop.out());
                assertTrue(m.find(), stop.out());
                String savepoint = m.group(1);
                assertTrue(savepoint.contains(cluster.dir().resolve("savepoints").toString()),
                        "savepoint in the cluster's savepoint-dir: " + savepoint);
                long syncFull = io.redismigrate.job.testutils.Migrations.stat(source, "sync_full");

                source.call("CONFIG", "SET", "requirepass", newPw);
                source.withClientPassword(newPw);
                Files.writeString(pwFile, newPw);
                second = submitDetached(List.of("-s", savepoint), jobArgs);
                awaitCheckpoints(second, 1);
                load.stop();
                io.redismigrate.job.testutils.Migrations.awaitCaughtUp(source, target, JOB_TIMEOUT, null);
                assertEquals(syncFull, io.redismigrate.job.testutils.Migrations.stat(source, "sync_full"),
                        "the resume made a new full sync");
                assertClusterShowsProgress(second, source);
                for (String pw : List.of(oldPw, newPw)) {
                    for (String path : List.of("/jobs/" + second, "/jobs/" + second + "/config", "/jobs/" + second + "/plan",
                            "/jobs/" + second + "/exceptions", "/jobs/" + second + "/checkpoints/config", "/jobmanager/config",
                            "/jobs/" + first + "/config")) {
                        assertFalse(cluster.rest(path).toString().contains(pw), "password in REST " + path);
                    }
                }
                Client cancel = finish(start(cluster.client("cancel", "-m", "127.0.0.1:" + cluster.restPort(), second)));
                assertEquals(0, cancel.exit(), cancel.out() + cancel.err());
                awaitTerminal(second);
            }
            io.redismigrate.job.testutils.Migrations.dropHeartbeats(source);
            io.redismigrate.job.testutils.Migrations.assertEqual(source, target);
            for (String pw : List.of(oldPw, newPw)) ResumeSafetyEndToEndTest.assertNotInFiles(cluster.dir(), pw);
        }
    }

    /**
     * What an operator watches on a session cluster: the split metrics over REST (the snapshot's size restored
     * after the resume, the stream phase), the same series in Prometheus, and the TaskManager's log lines of our
     * threads with the job id, including the periodic progress line.
     */
    static void assertClusterShowsProgress(String job, RedisServer source) throws Exception {
        String split = "split." + Progress.metricLabel(
                io.redismigrate.job.testutils.Migrations.splitId(source)) + ".";
        RestMetrics rest = new RestMetrics(cluster.restPort(), job);
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        java.util.Map<String, String> m = java.util.Map.of();
        while (System.nanoTime() < deadline) {
            m = rest.all(0);
            String phase = RestMetrics.find(m, split + "phase");
            if (phase != null && Double.parseDouble(phase) >= 1) break;
            Thread.sleep(1000);
        }
        String keys = RestMetrics.find(m, split + "snapshotKeys");
        assertTrue(keys != null && Long.parseLong(keys) > 0, "snapshot size restored after the resume: " + m);
        String phase = RestMetrics.find(m, split + "phase");
        assertTrue(phase != null && Double.parseDouble(phase) >= 1, "stream phase: " + m + cluster.logTails());

        String scraped = "";
        for (int port : cluster.prometheusPorts()) {
            try {
                scraped += java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                // the list has one port more than processes may take
            }
        }
        assertTrue(scraped.contains("flink_taskmanager_job_task_operator_split_phase{") && scraped.contains(job),
                "Prometheus series of the job's split phase");

        // the scripted cut-over's building block, against the cluster's REST API
        MainRun st = MainRun.status("--rest", cluster.restUrl(),
                "--job", job, "--wait-caught-up", "--timeout", "120s");
        assertEquals(0, st.code(), "status --wait-caught-up on the cluster: " + st + cluster.logTails());

        String splitId = io.redismigrate.job.testutils.Migrations.splitId(source);
        while (System.nanoTime() < deadline) {
            List<String> lines = Files.readAllLines(cluster.taskManagerLog(), java.nio.charset.StandardCharsets.ISO_8859_1);
            boolean progress = lines.stream().anyMatch(l -> l.contains("[job " + job + "] ProgressLog - " + splitId + ": stream"));
            boolean session = lines.stream().anyMatch(l -> l.contains("[job " + job + "] ReplicationSession - " + splitId));
            if (progress && session) return;
            Thread.sleep(500);
        }
        throw new AssertionError("no progress / replication lines with the job id in the TaskManager's log" + cluster.logTails());
    }

    /** {@code flink run -d [flinkArgs] JAR jobArgs}; returns the new job's id once it is RUNNING. */
    static String submitDetached(List<String> flinkArgs, List<String> jobArgs) throws Exception {
        Set<String> before = cluster.jobIds();
        List<String> cmd = new ArrayList<>(List.of("run", "-d", "-m", "127.0.0.1:" + cluster.restPort()));
        cmd.addAll(flinkArgs);
        cmd.add(JAR.toString());
        cmd.addAll(jobArgs);
        Client c = finish(start(cluster.client(cmd.toArray(new String[0]))));
        assertEquals(0, c.exit(), c.out() + c.err());
        Set<String> jobs = cluster.jobIds();
        jobs.removeAll(before);
        assertEquals(1, jobs.size(), "one new job: " + jobs + c.out() + c.err());
        return jobs.iterator().next();
    }

    /** Waits until the job has completed {@code n} checkpoints (it is RUNNING and its sink is writing). */
    static void awaitCheckpoints(String job, int n) throws Exception {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode c = cluster.rest("/jobs/" + job + "/checkpoints");
            if (c.path("counts").path("completed").asInt() >= n) return;
            String state = cluster.jobState(job);
            if (Set.of("FAILED", "CANCELED", "FINISHED").contains(state)) {
                fail("job " + job + " ended " + state + ": " + cluster.rootException(job));
            }
            Thread.sleep(200);
        }
        fail("job " + job + ": fewer than " + n + " checkpoints within " + JOB_TIMEOUT.toSeconds() + " s" + cluster.logTails());
    }

    static RedisServer populatedSource() throws IOException {
        RedisServer source = RedisServer.start();
        TestData.populateAllTypes(source);
        source.call("FUNCTION", "LOAD", FullMigrationEndToEndTest.LIBRARY);
        return source;
    }

    // --- the client process ---

    static final Map<Process, Path[]> OUTPUT = new HashMap<>();

    static Process start(ProcessBuilder b) throws IOException {
        Path out = Files.createTempFile(cluster.dir().resolve("log"), "client-", ".stdout");
        Path err = Files.createTempFile(cluster.dir().resolve("log"), "client-", ".stderr");
        Process p = b.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        OUTPUT.put(p, new Path[] {out, err});
        return p;
    }

    static Client finish(Process p) throws Exception {
        if (!p.waitFor(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the client did not exit within " + JOB_TIMEOUT.toSeconds() + " s: " + output(p) + cluster.logTails());
        }
        Path[] files = OUTPUT.remove(p);
        return new Client(p.exitValue(), Files.readString(files[0]), Files.readString(files[1]));
    }

    static String output(Process p) throws IOException {
        Path[] files = OUTPUT.get(p);
        return "\nstdout: " + Files.readString(files[0]) + "\nstderr: " + Files.readString(files[1]);
    }

    // --- jobs, through the REST API ---

    /** The id of the job the client submits (the one not in {@code before}). */
    static String awaitNewJob(Set<String> before, Process client) throws Exception {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Set<String> now = cluster.jobIds();
            now.removeAll(before);
            if (!now.isEmpty()) return now.iterator().next();
            if (!client.isAlive()) fail("the client exited with " + client.exitValue() + " before submitting: " + output(client));
            Thread.sleep(100);
        }
        fail("no job submitted within " + JOB_TIMEOUT.toSeconds() + " s:" + output(client));
        return null;
    }

    /** Polls {@code /jobs/overview} until the job is FINISHED, FAILED or CANCELED and returns that state. */
    static String awaitTerminal(String job) throws Exception {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            for (JsonNode j : cluster.rest("/jobs/overview").path("jobs")) {
                if (j.path("jid").asText().equals(job)) state = j.path("state").asText();
            }
            if (Set.of("FINISHED", "FAILED", "CANCELED").contains(state)) return state;
            Thread.sleep(200);
        }
        fail("job " + job + " still " + state + " after " + JOB_TIMEOUT.toSeconds() + " s" + cluster.logTails());
        return state;
    }

    static void assertFinished(String job, Process client) throws Exception {
        String state = awaitTerminal(job);
        if (!state.equals("FINISHED")) {
            fail("job " + job + " ended " + state + ": " + cluster.rootException(job) + (client == null ? "" : output(client)));
        }
    }

    static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> postRaw(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(cluster.restUrl() + path))
                .header("Content-Type", "application/json").timeout(JOB_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POST /jars/upload (multipart, as the web UI does it); returns the jar id for /jars/:id/run. */
    static String upload(Path jar) throws Exception {
        String boundary = "----redis-migrate-" + UUID.randomUUID();
        List<byte[]> parts = new ArrayList<>();
        parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        parts.add(Files.readAllBytes(jar));
        parts.add(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.restUrl() + "/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(parts)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        String file = new ObjectMapper().readTree(r.body()).path("filename").asText();
        return file.substring(file.lastIndexOf('/') + 1);
    }

    static JsonNode post(String path, String json) throws Exception {
        HttpResponse<String> r = postRaw(path, json);
        assertEquals(200, r.statusCode(), "POST " + path + ": " + r.body() + cluster.logTails());
        return new ObjectMapper().readTree(r.body());
    }
}
