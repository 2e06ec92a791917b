package io.redismigrate.job;

import io.redismigrate.connector.progress.Progress;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The console progress of an embedded run (source and sink share the JVM, so {@link Progress#all()} has both halves
 * of every split): a line per split, redrawn in place every second on a terminal, printed every 10 s otherwise;
 * and {@code redis-migrate: <split> caught up (lag N ms)} the first time a split is caught up.
 */
final class ConsoleProgress {
    static final long PLAIN_INTERVAL_MS = 10_000;
    static final long TERMINAL_INTERVAL_MS = 1000;

    private final PrintStream out;
    private final boolean terminal;
    private final Set<String> caughtUp = new HashSet<>();
    private int drawn;

    private ConsoleProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Starts the printing thread for {@code mode}; null for {@code --progress none}. */
    static Thread start(PrintStream out, MigrationOptions.ProgressMode mode) {
        if (mode == MigrationOptions.ProgressMode.NONE) return null;
        boolean terminal = mode == MigrationOptions.ProgressMode.AUTO && System.console() != null;
        ConsoleProgress console = new ConsoleProgress(out, terminal);
        long interval = terminal ? TERMINAL_INTERVAL_MS : PLAIN_INTERVAL_MS;
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    break;
                }
                console.print(System.currentTimeMillis());
            }
            console.finish();
        }, "redis-migrate-progress");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private synchronized void print(long nowMs) {
        List<String> lines = new ArrayList<>();
        for (Progress.SplitProgress p : new TreeMap<>(Progress.all()).values()) {
            ProgressLines.SplitView v = view(p, nowMs);
            if (v.phase() >= Progress.PHASE_CAUGHT_UP && caughtUp.add(v.splitId())) {
                finish();
                out.println(ProgressLines.caughtUp(v));
            }
            lines.add(ProgressLines.line(v, nowMs));
        }
        if (lines.isEmpty()) return;
        if (terminal) {
            out.print(ProgressLines.redraw(drawn, lines));
            drawn = Math.max(drawn, lines.size());
        } else {
            lines.forEach(out::println);
        }
        out.flush();
    }

    /** Ends a redrawn block with a newline, so what is printed next starts on its own line. */
    private synchronized void finish() {
        if (drawn > 0) {
            out.println();
            drawn = 0;
        }
    }

    /**
     * A copy of {@code p}. The phase is the sink's ({@link Progress.SplitProgress#phaseCode}), or the stream phase
     * once the source reads the stream and the sink has applied stream commands (an applied offset) when a sink
     * does not report its phase; the lag is the heartbeat lag, or the last heartbeat's latency when that is all
     * there is.
     */
    static ProgressLines.SplitView view(Progress.SplitProgress p, long nowMs) {
        int phase = p.phaseCode(nowMs);
        if (phase == Progress.PHASE_SNAPSHOT && "stream".equals(p.phase) && p.appliedOffset >= 0) phase = Progress.PHASE_STREAM;
        long lag = p.lagMs(nowMs);
        if (lag < 0) lag = p.latencyMs;
        return new ProgressLines.SplitView(p.splitId(), phase, p.snapshotPercent(), p.snapshotKeys, p.snapshotKeysTotal,
                p.snapshotBytes, p.snapshotStartMs, p.snapshotEndMs, p.snapshotEtaSeconds(nowMs), lag, p.lagBytes(), p.appliedOffset);
    }
}
