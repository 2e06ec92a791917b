package io.redismigrate.connector.source.reader;

import io.redismigrate.connector.progress.Progress;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

import java.util.HashSet;
import java.util.Set;

/**
 * Source metrics shared by a reader's sessions, and the per-split gauges (group {@code split}, see
 * docs/metrics.md), which read the split's {@link Progress}.
 */
final class SessionMetrics {
    /** Stream commands not in the known write-command table: passed through verbatim, counted here. */
    final Counter unknownCommands;
    private final MetricGroup group;
    private final Set<String> registered = new HashSet<>();

    SessionMetrics(MetricGroup group) {
        this.group = group;
        this.unknownCommands = group.counter("unknownCommands");
    }

    /** Registers the split's gauges once per reader (a split may come back to the same reader). */
    synchronized void registerSplit(String splitId) {
        if (!registered.add(splitId)) return;
        Progress.SplitProgress p = Progress.of(splitId);
        MetricGroup g = group.addGroup("split", Progress.metricLabel(splitId));
        g.gauge("snapshotKeys", (Gauge<Long>) () -> p.snapshotKeys);
        g.gauge("snapshotKeysTotal", (Gauge<Long>) () -> p.snapshotKeysTotal);
        g.gauge("snapshotBytes", (Gauge<Long>) () -> p.snapshotBytes);
        g.gauge("snapshotBytesTotal", (Gauge<Long>) () -> p.snapshotBytesTotal);
        g.gauge("snapshotPercent", (Gauge<Double>) p::snapshotPercent);
        g.gauge("snapshotEtaSeconds", (Gauge<Long>) () -> p.snapshotEtaSeconds(System.currentTimeMillis()));
        g.gauge("sourceOffset", (Gauge<Long>) () -> p.sourceOffset);
        g.gauge("readOffset", (Gauge<Long>) () -> p.readOffset);
        g.gauge("durableOffset", (Gauge<Long>) p::durableOffset);
        g.gauge("streamCommands", (Gauge<Long>) () -> p.streamCommands);
    }
}
