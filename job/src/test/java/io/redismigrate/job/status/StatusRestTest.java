package io.redismigrate.job.status;

import io.redismigrate.job.testutils.MainRun;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * status against Flink's real REST API, with split metrics laid out as docs/metrics.md says
 * ({@code <operator>.split.<label>.<name>}), registered by a small job of two subtasks (one split each): finds the job by
 * its name, aggregates over the subtasks, and {@code --wait-caught-up} waits for the split that catches up later.
 */
class StatusRestTest {
    /** Subtask i reports split "shard-i"; shard-0 is caught up at once, shard-1 once the test sets this (same JVM). */
    static volatile boolean shard1CaughtUp;

    static final class SplitGauges extends RichMapFunction<Long, Long> {
        @Override
        public void open(OpenContext context) {
            int i = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
            MetricGroup split = getRuntimeContext().getMetricGroup().addGroup("split", "shard-" + i);
            split.gauge("phase", (Gauge<Integer>) () -> i == 0 || shard1CaughtUp ? 2 : 1);
            split.gauge("lagMs", (Gauge<Long>) () -> i == 0 ? 4L : 1500L);
            // every gauge captures i: Flink's metric query service keys metrics by instance, so one non-capturing
            // lambda registered by both subtasks would be listed for one of them only
            split.gauge("lagBytes", (Gauge<Long>) () -> 0L * i);
            split.gauge("appliedOffset", (Gauge<Long>) () -> 123_456_789_012L + i);
            split.gauge("sourceOffset", (Gauge<Long>) () -> 123_456_789_012L + i);
            split.gauge("snapshotPercent", (Gauge<Double>) () -> 100.0 + 0 * i);
        }

        @Override
        public Long map(Long value) throws InterruptedException {
            Thread.sleep(50);
            return value;
        }
    }

    @Test
    void readsSplitMetricsOverFlinksRestApi() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, port);
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofSeconds(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        env.setParallelism(2);
        env.fromSequence(0, Long.MAX_VALUE).map(new SplitGauges()).sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("redis-migrate 127.0.0.1:1 -> 127.0.0.1:2 full+incremental 2026-12-04T02:00:00Z");
        try {
            String rest = "http://127.0.0.1:" + port;
            MainRun once = MainRun.status("--rest", rest);
            String shown = once.toString();
            assertEquals(0, once.code(), shown);
            assertTrue(once.out().contains("job " + job.getJobID() + " redis-migrate 127.0.0.1:1 -> 127.0.0.1:2 full+incremental"), shown);
            assertTrue(once.out().contains("split shard-0: caught up; lag 4 ms, 0 B; applied offset 123456789012 of source offset 123456789012"), shown);
            assertTrue(once.out().contains("split shard-1: stream; lag 1500 ms, 0 B; applied offset 123456789013"), shown);
            assertTrue(once.out().contains("job: stream; lag 1500 ms, 0 B; 2 splits"), shown);

            MainRun tooStrict = MainRun.status("--rest", rest, "--wait-caught-up", "--max-lag", "1s", "--timeout", "3s");
            shown = tooStrict.toString();
            assertEquals(1, tooStrict.code(), shown);
            assertTrue(tooStrict.err().startsWith("redis-migrate: job " + job.getJobID() + " not caught up within 3s (job: "), shown);
            assertEquals(1, tooStrict.err().lines().count(), shown);

            Thread later = new Thread(() -> {
                try {
                    Thread.sleep(3000);
                } catch (InterruptedException e) {
                    return;
                }
                shard1CaughtUp = true;
            });
            later.start();
            MainRun waited = MainRun.status("--rest", rest, "--wait-caught-up", "--timeout", "60s");
            later.join();
            shown = waited.toString();
            assertEquals(0, waited.code(), shown);
            assertTrue(waited.out().startsWith("job " + job.getJobID()), shown);
            assertTrue(waited.out().contains("split shard-1: stream; lag 1500 ms"), "printed while waiting: " + shown);
            assertTrue(waited.out().contains("split shard-1: caught up; lag 1500 ms"), shown);
            assertTrue(waited.out().endsWith("caught up: every split is in phase 2 (lag under 1 s for 10 s)\n"), shown);
        } finally {
            job.cancel().get();
        }
        // Flink's REST API shows a job's state from a cache of a few seconds: the end shows within 30 s, as one line
        // (the job is CANCELED, or the per-job cluster is gone with it)
        MainRun gone = MainRun.status("--rest", "http://127.0.0.1:" + port, "--job", job.getJobID().toString());
        for (long end = System.nanoTime() + 30_000_000_000L; gone.code() == 0 && System.nanoTime() < end; ) {
            Thread.sleep(500);
            gone = MainRun.status("--rest", "http://127.0.0.1:" + port, "--job", job.getJobID().toString());
        }
        shownGone(gone);
    }

    private static void shownGone(MainRun gone) {
        String shown = gone.toString();
        assertTrue(gone.code() == 1 || gone.code() == 3, shown);
        assertEquals(1, gone.err().lines().count(), shown);
        assertTrue(gone.err().contains(" is CANCELED; ") || gone.err().contains("cannot reach Flink's REST API"), shown);
    }
}
