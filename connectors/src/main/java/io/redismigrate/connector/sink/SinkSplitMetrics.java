package io.redismigrate.connector.sink;

import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.progress.Progress;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

import java.util.HashSet;
import java.util.Set;

/**
 * The writer's per-split metrics (group {@code split}: phase, appliedOffset, lagMs, lagBytes; see
 * docs/metrics.md), registered when the writer first sees a control event of the split, and the bookkeeping of
 * the control events that feed them. Called on the writer's task thread only.
 */
final class SinkSplitMetrics {
    private final MetricGroup group;
    private final Set<String> registered = new HashSet<>();

    SinkSplitMetrics(MetricGroup group) {
        this.group = group;
    }

    /** A control event reached the writer; a heartbeat is applied once everything before it was sent. */
    void control(RedisEvent event) {
        String splitId = event.splitId();
        Progress.SplitProgress p = Progress.of(splitId);
        if (registered.add(splitId)) register(splitId, p);
        String type = event.controlType();
        if (RedisEvent.SNAPSHOT_START.equals(type)) {
            p.streaming = false;
        } else if (RedisEvent.STREAM_START.equals(type)) {
            p.streaming = true;
        } else if (RedisEvent.HEARTBEAT.equals(type)) {
            p.streaming = true;
            p.heartbeatApplied(Long.parseLong(event.controlValue(1)), System.currentTimeMillis());
        }
    }

    private void register(String splitId, Progress.SplitProgress p) {
        MetricGroup g = group.addGroup("split", Progress.metricLabel(splitId));
        g.gauge("phase", (Gauge<Integer>) () -> p.phaseCode(System.currentTimeMillis()));
        g.gauge("appliedOffset", (Gauge<Long>) () -> p.appliedOffset);
        g.gauge("lagMs", (Gauge<Long>) () -> p.lagMs(System.currentTimeMillis()));
        g.gauge("lagBytes", (Gauge<Long>) p::lagBytes);
    }
}
