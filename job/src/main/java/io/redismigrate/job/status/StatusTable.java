package io.redismigrate.job.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The splits of a job from a snapshot of its metrics (metric id → value, as Flink's REST API lists them), and the
 * job-level view: its phase is the lowest phase of its splits, its lag the highest lag. Pure: no I/O.
 */
public final class StatusTable {
    /** {@code <operator>.split.<label>.<name>}, e.g. {@code redis-sink__Writer.split.10_0_0_5_6379.lagMs}. */
    static final Pattern SPLIT_METRIC = Pattern.compile("(?:^|\\.)split\\.([A-Za-z0-9_-]+)\\.([A-Za-z]+)$");

    private final List<SplitStatus> splits;

    private StatusTable(List<SplitStatus> splits) {
        this.splits = splits;
    }

    /** True for the metric ids {@link #of} reads. */
    public static boolean isSplitMetric(String id) {
        return SPLIT_METRIC.matcher(id).find();
    }

    /** Rows by split label (sorted); ids that are not split metrics and values that are not numbers are ignored. */
    public static StatusTable of(Map<String, String> metrics) {
        Map<String, Map<String, Double>> bySplit = new TreeMap<>();
        for (Map.Entry<String, String> e : metrics.entrySet()) {
            Matcher m = SPLIT_METRIC.matcher(e.getKey());
            if (!m.find() || e.getValue() == null) continue;
            double v;
            try {
                v = Double.parseDouble(e.getValue().trim());
            } catch (NumberFormatException ex) {
                continue;
            }
            if (Double.isNaN(v)) continue;
            bySplit.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(m.group(2), v);
        }
        List<SplitStatus> rows = new ArrayList<>();
        bySplit.forEach((label, values) -> rows.add(new SplitStatus(label, values)));
        return new StatusTable(Collections.unmodifiableList(rows));
    }

    public List<SplitStatus> splits() { return splits; }

    public boolean isEmpty() { return splits.isEmpty(); }

    /** The lowest phase of the splits; {@link SplitStatus#PHASE_UNKNOWN} when there are none or one is unknown. */
    public int jobPhase() {
        int min = Integer.MAX_VALUE;
        for (SplitStatus s : splits) min = Math.min(min, s.phase());
        return splits.isEmpty() ? SplitStatus.PHASE_UNKNOWN : min;
    }

    /** The highest lag of the splits, ms; -1 when one is unknown. */
    public long jobLagMs() {
        return highest("lagMs");
    }

    public long jobLagBytes() {
        return highest("lagBytes");
    }

    private long highest(String name) {
        long max = -1;
        for (SplitStatus s : splits) {
            long v = s.value(name);
            if (v < 0) return -1;
            max = Math.max(max, v);
        }
        return max;
    }

    /**
     * Whether a cut-over may go on: every split caught up (phase 2), or, with {@code maxLag}, every split in the
     * stream phase with a known lag of at most {@code maxLag}.
     */
    public boolean caughtUp(Duration maxLag) {
        if (splits.isEmpty()) return false;
        for (SplitStatus s : splits) {
            if (maxLag == null ? s.phase() < 2 : s.phase() < 1 || s.lagMs() < 0 || s.lagMs() > maxLag.toMillis()) return false;
        }
        return true;
    }

    /** One line per split, then {@code job: stream; lag 120 ms, 3.4 KB; 2 splits}. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        for (SplitStatus s : splits) out.add(s.line());
        out.add("job: " + SplitStatus.phaseName(jobPhase()) + "; " + SplitStatus.lag(jobLagMs(), jobLagBytes()) + "; "
                + splits.size() + (splits.size() == 1 ? " split" : " splits"));
        return out;
    }
}
