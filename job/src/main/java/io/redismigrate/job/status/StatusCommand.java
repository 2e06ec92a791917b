package io.redismigrate.job.status;

import io.redismigrate.job.Durations;
import io.redismigrate.job.Main;
import io.redismigrate.job.MigrationOptions;

import java.io.PrintStream;
import java.time.Duration;

/**
 * {@code redis-migrate status}: phase, snapshot progress, lag and applied offset of a running job, read over Flink's
 * REST API. With {@code --wait-caught-up} it polls every second and exits 0 once the job is caught up (or within
 * {@code --max-lag}), 1 at {@code --timeout} or when the job ends. Flink's REST API refreshes metrics every
 * {@code metrics.fetcher.update-interval} (the embedded runner sets 1 s), so values may be that old.
 */
public final class StatusCommand {
    private static final long POLL_MS = 1000;
    /** Metrics of a job that just started appear after the first fetch of Flink's metric fetcher. */
    private static final Duration FIRST_METRICS_WAIT = Duration.ofSeconds(15);
    private static final long PRINT_EVERY_MS = 10_000;

    private StatusCommand() {}

    public static int execute(MigrationOptions o, PrintStream out, PrintStream err) throws Exception {
        try {
            return run(o, out);
        } catch (StatusFailure f) {
            err.println("redis-migrate: " + Main.oneLine(f.getMessage()));
            return f.exitCode();
        }
    }

    private static int run(MigrationOptions o, PrintStream out) throws StatusFailure, InterruptedException {
        JobMetrics jobs = new JobMetrics(new FlinkRest(o.restUrl()));
        String jobId = jobs.findJob(o.jobId());
        long start = System.nanoTime();
        long lastPrint = Long.MIN_VALUE;
        String lastState = null;
        while (true) {
            JobMetrics.Snapshot snap;
            try {
                snap = jobs.read(jobId);
            } catch (StatusFailure f) {
                if (f.exitCode() != Main.EXIT_PRECHECK) throw f;
                // reached before: the REST endpoint went away with the job (an embedded run that stopped)
                throw new StatusFailure(Main.EXIT_FAILURE, "job " + jobId + " ended: " + f.getMessage());
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            if (snap.ended()) {
                throw new StatusFailure(Main.EXIT_FAILURE, "job " + jobId + " is " + snap.state()
                        + (o.waitCaughtUp() ? " (it ended before catching up)" : "") + "; see its log or the Flink web UI");
            }
            StatusTable table = StatusTable.of(snap.metrics());
            if (!o.waitCaughtUp()) {
                if ((table.isEmpty() || !snap.running()) && elapsedMs < FIRST_METRICS_WAIT.toMillis()) {
                    Thread.sleep(POLL_MS);
                    continue;
                }
                print(out, snap, table);
                if (table.isEmpty()) {
                    throw new StatusFailure(Main.EXIT_FAILURE, "job " + jobId + " (" + snap.state() + ") reports no split"
                            + " metrics; it is starting or restarting: try again in a few seconds");
                }
                return Main.EXIT_OK;
            }
            boolean done = snap.running() && table.caughtUp(o.maxLag());
            if (done || elapsedMs - lastPrint >= PRINT_EVERY_MS || !snap.state().equals(lastState)) {
                print(out, snap, table);
                lastPrint = elapsedMs;
                lastState = snap.state();
            }
            if (done) {
                out.println(o.maxLag() == null ? "caught up: every split is in phase 2 (lag under 1 s for 10 s)"
                        : "caught up: every split streams with a lag of at most " + Durations.format(o.maxLag()));
                return Main.EXIT_OK;
            }
            if (elapsedMs >= o.statusTimeout().toMillis()) {
                if (elapsedMs - lastPrint > 0) print(out, snap, table);
                throw new StatusFailure(Main.EXIT_FAILURE, "job " + jobId + " not caught up within "
                        + Durations.format(o.statusTimeout()) + " (" + summary(table) + "); wait longer with --timeout"
                        + (o.maxLag() == null ? " or accept a lag with --max-lag" : ""));
            }
            Thread.sleep(POLL_MS);
        }
    }

    private static String summary(StatusTable table) {
        if (table.isEmpty()) return "no split metrics yet";
        java.util.List<String> lines = table.lines();
        return lines.get(lines.size() - 1);
    }

    private static void print(PrintStream out, JobMetrics.Snapshot snap, StatusTable table) {
        out.println("job " + snap.id() + " " + snap.name() + ": " + snap.state());
        if (!table.isEmpty()) table.lines().forEach(out::println);
        out.flush();
    }
}
