package io.redismigrate.job;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import sun.misc.Signal;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C / SIGTERM on an embedded run: stop the job with a savepoint (the sink flushes, offsets and fences are
 * consistent), print its path, let {@link MigrationJob} return 0. Signals are caught before the JVM starts shutting
 * down, so the MiniCluster is still there to take the savepoint.
 */
final class StopWithSavepoint {
    private static final AtomicBoolean requested = new AtomicBoolean();
    private static volatile CountDownLatch reported = new CountDownLatch(0);

    private StopWithSavepoint() {}

    static void install(JobClient job, String savepointDir, PrintStream out) {
        requested.set(false);
        reported = new CountDownLatch(1);
        CountDownLatch done = reported;
        sun.misc.SignalHandler handler = sig -> {
            if (!requested.compareAndSet(false, true)) return;
            Thread t = new Thread(() -> {
                try {
                    out.println("redis-migrate: stopping with a savepoint into " + savepointDir + " …");
                    String path = job.stopWithSavepoint(false, savepointDir, SavepointFormatType.CANONICAL).get();
                    out.println("redis-migrate: stopped; savepoint: " + path);
                    out.println("redis-migrate: resume with --from-savepoint " + path);
                } catch (Exception e) {
                    out.println("redis-migrate: stop with savepoint failed: " + rootMessage(e));
                } finally {
                    done.countDown();
                }
            }, "redis-migrate-stop");
            t.setDaemon(true);
            t.start();
        };
        Signal.handle(new Signal("INT"), handler);
        Signal.handle(new Signal("TERM"), handler);
    }

    static boolean requested() {
        return requested.get();
    }

    /** After the job ended: if a stop was requested, waits until its outcome has been printed. */
    static void awaitReported() throws InterruptedException {
        if (requested.get()) reported.await();
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage();
    }
}
