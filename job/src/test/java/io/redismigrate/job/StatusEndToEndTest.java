package io.redismigrate.job;

import io.redismigrate.connector.progress.Progress;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.MainRun;
import io.redismigrate.job.testutils.Migrations;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code status} against a real embedded run (its web UI's REST API): it finds the job by its name, prints a line per
 * split, and {@code --wait-caught-up} returns 0 once the split is caught up; the console says so too.
 */
class StatusEndToEndTest {
    @Test
    void statusNamesTheSplitAndWaitsUntilCaughtUp() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            for (int i = 0; i < 500; i++) source.sync().set("k" + i, "v" + i);
            int port = RedisServer.freePort();
            String rest = "http://127.0.0.1:" + port;
            try (JobProcess job = JobProcess.start(Migrations.runArgs(source, target, "--web-ui-port", Integer.toString(port),
                    "--progress", "plain"))) {
                String jobId = job.awaitRunning(Duration.ofSeconds(60));
                String split = "split " + Progress.metricLabel(Migrations.splitId(source)) + ": ";

                MainRun once = MainRun.status("--rest", rest);
                assertEquals(0, once.code(), once + "\n" + job.output());
                assertTrue(once.out().contains("job " + jobId + " redis-migrate 127.0.0.1:" + source.port() + " -> 127.0.0.1:"
                        + target.port() + " full+incremental "), once.toString());
                assertTrue(once.out().contains(split), once.toString());
                assertTrue(once.out().contains("\njob: "), once.toString());

                MainRun waited = MainRun.status("--rest", rest, "--job", jobId, "--wait-caught-up", "--timeout", "60s");
                assertEquals(0, waited.code(), waited + "\n" + job.output());
                assertTrue(waited.out().contains(split + "caught up; lag "), waited.toString());
                assertTrue(waited.out().contains("caught up: every split is in phase 2"), waited.toString());

                MainRun withinLag = MainRun.status("--rest", rest, "--wait-caught-up", "--max-lag", "1s", "--timeout", "30s");
                assertEquals(0, withinLag.code(), withinLag.toString());

                job.awaitLog("redis-migrate: " + Migrations.splitId(source) + " caught up (lag ", Duration.ofSeconds(30));
                job.stopWithSavepoint(Duration.ofSeconds(60));
            }
            MainRun gone = MainRun.status("--rest", rest);
            assertEquals(Main.EXIT_PRECHECK, gone.code(), gone.toString());
            assertTrue(gone.err().startsWith("redis-migrate: cannot reach Flink's REST API at " + rest), gone.toString());
            assertEquals(1, gone.err().lines().count(), gone.toString());
        }
    }

    @Test
    void anUnknownJobIdIsOneLine() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            int port = RedisServer.freePort();
            try (JobProcess job = JobProcess.start(Migrations.runArgs(source, target, "--web-ui-port", Integer.toString(port)))) {
                job.awaitRunning(Duration.ofSeconds(60));
                MainRun r = MainRun.status("--rest", "http://127.0.0.1:" + port, "--job", "0123456789abcdef0123456789abcdef");
                assertEquals(Main.EXIT_FAILURE, r.code(), r.toString());
                assertEquals("redis-migrate: no job 0123456789abcdef0123456789abcdef at http://127.0.0.1:" + port
                        + "; run status without --job to find the running redis-migrate job\n", r.err());
                job.stopWithSavepoint(Duration.ofSeconds(60));
            }
        }
    }
}
