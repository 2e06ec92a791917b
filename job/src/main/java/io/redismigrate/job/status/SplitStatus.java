package io.redismigrate.job.status;

import io.redismigrate.job.HumanUnits;

import java.util.Map;

/**
 * One split as its metrics over Flink's REST API tell it (see docs/metrics.md): the source side's snapshot
 * progress and offsets, the writer's phase, lag and applied offset. A metric not reported (yet) reads -1.
 */
public final class SplitStatus {
    public static final int PHASE_UNKNOWN = -1;

    private final String label;
    private final Map<String, Double> values;

    SplitStatus(String label, Map<String, Double> values) {
        this.label = label;
        this.values = values;
    }

    /** The split's metric label, e.g. {@code 10_0_0_5_6379} or {@code slots-0-5460}. */
    public String label() { return label; }

    /** 0 snapshot, 1 stream, 2 caught up; {@link #PHASE_UNKNOWN} before the writer reports it. */
    public int phase() { return (int) value("phase"); }

    public long lagMs() { return value("lagMs"); }

    public long lagBytes() { return value("lagBytes"); }

    public long appliedOffset() { return value("appliedOffset"); }

    public long sourceOffset() { return value("sourceOffset"); }

    long value(String name) {
        Double v = values.get(name);
        return v == null ? -1 : Math.round(v);
    }

    double percent() {
        Double v = values.get("snapshotPercent");
        return v == null ? -1 : v;
    }

    static String phaseName(int phase) {
        switch (phase) {
            case 0: return "snapshot";
            case 1: return "stream";
            case 2: return "caught up";
            default: return "starting";
        }
    }

    static String lag(long ms, long bytes) {
        return "lag " + (ms < 0 ? "?" : ms + " ms") + ", " + HumanUnits.bytes(bytes);
    }

    /**
     * {@code split 10_0_0_5_6379: snapshot 42.0%, 1.2M of 2.9M keys, ETA 3m 20s; lag ?, ?; applied offset ?} or
     * {@code split 10_0_0_5_6379: caught up; lag 3 ms, 0 B; applied offset 1234 of source offset 1234}.
     */
    public String line() {
        StringBuilder b = new StringBuilder("split ").append(label).append(": ").append(phaseName(phase()));
        if (phase() <= 0) {
            double pct = percent();
            long total = value("snapshotKeysTotal");
            b.append(' ').append(pct < 0 ? "?" : String.format(java.util.Locale.ROOT, "%.1f", pct)).append("%, ")
                    .append(HumanUnits.count(Math.max(0, value("snapshotKeys"))))
                    .append(total >= 0 ? " of " + HumanUnits.count(total) : "").append(" keys, ETA ")
                    .append(HumanUnits.seconds(value("snapshotEtaSeconds")));
        }
        b.append("; ").append(lag(lagMs(), lagBytes())).append("; applied offset ")
                .append(appliedOffset() < 0 ? "?" : Long.toString(appliedOffset()));
        if (sourceOffset() >= 0) b.append(" of source offset ").append(sourceOffset());
        return b.toString();
    }
}
