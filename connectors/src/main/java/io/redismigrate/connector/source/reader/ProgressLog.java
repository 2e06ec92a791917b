package io.redismigrate.connector.source.reader;

import io.redismigrate.connector.logging.LogContext;
import io.redismigrate.connector.progress.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * One INFO line per split every {@code redis-migrate.progress-log-interval} ms (default 30 s) in the
 * TaskManager's log, where a cluster run has no console: phase, snapshot progress, offsets and lag.
 */
final class ProgressLog {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);
    static final long INTERVAL_MS = Long.getLong("redis-migrate.progress-log-interval", 30_000);

    private final Thread thread;
    private volatile boolean stopped;

    ProgressLog(Supplier<Collection<String>> splits) {
        this.thread = LogContext.daemon(() -> {
            while (!stopped) {
                try {
                    Thread.sleep(INTERVAL_MS);
                } catch (InterruptedException e) {
                    return;
                }
                for (String id : splits.get()) LOG.info("{}", line(Progress.of(id), System.currentTimeMillis()));
            }
        }, "redis-migrate-progress-log");
    }

    void start() {
        thread.start();
    }

    void stop() {
        stopped = true;
        thread.interrupt();
    }

    static String line(Progress.SplitProgress p, long now) {
        StringBuilder b = new StringBuilder(p.splitId()).append(": ").append(p.phase);
        if ("snapshot".equals(p.phase)) {
            double pct = p.snapshotPercent();
            b.append(pct < 0 ? " ?%" : String.format(Locale.ROOT, " %.1f%%", pct))
                    .append(", ").append(p.snapshotKeys).append(p.snapshotKeysTotal < 0 ? "" : "/" + p.snapshotKeysTotal)
                    .append(" keys, ").append(p.snapshotBytes).append(p.snapshotBytesTotal < 0 ? "" : "/" + p.snapshotBytesTotal)
                    .append(" bytes");
            long eta = p.snapshotEtaSeconds(now);
            if (eta >= 0) b.append(", ETA ").append(eta).append(" s");
        } else {
            b.append(", read offset ").append(p.readOffset).append(", source offset ").append(p.sourceOffset)
                    .append(", checkpointed offset ").append(p.durableOffset())
                    .append(", ").append(p.streamCommands).append(" commands");
        }
        return b.toString();
    }
}
