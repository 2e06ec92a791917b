package io.redismigrate.connector.source.reader;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** Source metrics shared by a reader's sessions. */
final class SessionMetrics {
    final Counter keys;

    SessionMetrics(MetricGroup group) {
        this.keys = group.counter("snapshotKeys");
    }
}
