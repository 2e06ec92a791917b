package io.redismigrate.job;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.job.testutils.JobProcess;
import io.redismigrate.job.testutils.Migrations;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In the stream phase the job writes a heartbeat key on the source every second, measures its end-to-end latency
 * and the lag in bytes, and prints both on the console of an embedded run; the key never reaches the target.
 */
class HeartbeatLagEndToEndTest {
    private static final Pattern PROGRESS = Pattern.compile("stream: lag (\\d+) ms, (\\S+(?: [KMGT]?B)?) behind, applied offset (\\d+)");

    @Test
    void heartbeatGivesLatencyAndLagOnTheConsoleAndStaysOffTheTarget() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            source.sync().set("k", "v");
            try (JobProcess job = JobProcess.start(Migrations.runArgs(source, target,
                    "--heartbeat-key-prefix", "hb:test", "--progress", "plain"))) {
                job.awaitRunning(Duration.ofSeconds(60));
                job.awaitLog("stream: lag", Duration.ofSeconds(40));
                Matcher m = PROGRESS.matcher(job.stdout());
                assertTrue(m.find(), job.output());
                long latency = Long.parseLong(m.group(1));
                assertTrue(latency >= 0 && latency < 5000, "latency " + latency);
                assertTrue(Long.parseLong(m.group(3)) > 0);
                String hbKey = "hb:test:127.0.0.1:" + source.port();
                assertTrue(source.sync().pttl(hbKey) > 0, "heartbeat key with a TTL on the source");
                assertEquals(0L, target.sync().exists(hbKey), "heartbeat key must not reach the target");
                job.stopWithSavepoint(Duration.ofSeconds(60));
            }
        }
    }
}
