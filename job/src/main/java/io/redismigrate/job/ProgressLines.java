package io.redismigrate.job;

import java.util.List;
import java.util.Locale;

/**
 * The console lines of an embedded run's progress, from a {@link SplitView} of each split. Pure: {@link ConsoleProgress}
 * samples the splits and prints.
 */
final class ProgressLines {
    private ProgressLines() {}

    /** What the console shows of one split at one moment (a copy of its {@code Progress.SplitProgress}). */
    record SplitView(String splitId, int phase, double percent, long keys, long keysTotal, long bytes,
                     long snapshotStartMs, long snapshotEndMs, long etaSeconds, long lagMs, long lagBytes, long appliedOffset) {}

    /**
     * {@code redis-migrate: 10.0.0.5:6379 snapshot 42.0%, 1.2M/2.9M keys, 12.3k keys/s, 45.6 MB/s, ETA 3m 20s} while
     * the snapshot is read, then
     * {@code redis-migrate: 10.0.0.5:6379 stream: lag 12 ms, 0 B behind, applied offset 1234[, caught up]}.
     * Rates are averages over the snapshot: from its start to now, or to its end once parsed.
     */
    static String line(SplitView s, long nowMs) {
        if (s.phase() >= 1) {
            return "redis-migrate: " + s.splitId() + " stream: lag " + (s.lagMs() < 0 ? "?" : s.lagMs() + " ms") + ", "
                    + HumanUnits.bytes(s.lagBytes()) + " behind, applied offset "
                    + (s.appliedOffset() < 0 ? "?" : Long.toString(s.appliedOffset())) + (s.phase() >= 2 ? ", caught up" : "");
        }
        long until = s.snapshotEndMs() > 0 ? s.snapshotEndMs() : nowMs;
        double seconds = s.snapshotStartMs() > 0 ? (until - s.snapshotStartMs()) / 1000.0 : 0;
        String keys = HumanUnits.count(s.keys()) + (s.keysTotal() >= 0 ? "/" + HumanUnits.count(s.keysTotal()) : "") + " keys";
        StringBuilder b = new StringBuilder("redis-migrate: ").append(s.splitId()).append(" snapshot ")
                .append(s.percent() < 0 ? "?" : String.format(Locale.ROOT, "%.1f", s.percent())).append("%, ").append(keys);
        if (seconds > 0) {
            b.append(", ").append(HumanUnits.count(s.keys() / seconds)).append(" keys/s, ")
                    .append(HumanUnits.bytes(s.bytes() / seconds)).append("/s");
        }
        return b.append(", ETA ").append(HumanUnits.seconds(s.etaSeconds())).toString();
    }

    /** {@code redis-migrate: 10.0.0.5:6379 caught up (lag 3 ms)}: printed once per split. */
    static String caughtUp(SplitView s) {
        return "redis-migrate: " + s.splitId() + " caught up (lag " + Math.max(0, s.lagMs()) + " ms)";
    }

    /**
     * Text that redraws a block of {@code lines} over the {@code previous} lines drawn last time (0: none), leaving
     * the cursor at the end of the last line: {@code \r} to its start, up a line per extra line, each line cleared.
     * A block that shrank is cleared below and keeps its height: the next call's {@code previous} is
     * {@code max(previous, lines.size())}.
     */
    static String redraw(int previous, List<String> lines) {
        StringBuilder b = new StringBuilder();
        if (previous > 0) {
            b.append('\r');
            if (previous > 1) b.append("\u001b[").append(previous - 1).append('A');
        }
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) b.append('\n');
            b.append(lines.get(i)).append("\u001b[K");
        }
        for (int i = lines.size(); i < previous; i++) b.append("\n\u001b[K"); // a block that shrank: clear the rest
        return b.toString();
    }
}
