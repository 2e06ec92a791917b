package io.redismigrate.connector.source.reader;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** Source metrics shared by a reader's sessions. */
final class SessionMetrics {
    final Counter keys;
    /** Stream commands not in the known write-command table: passed through verbatim, counted here. */
    final Counter unknownCommands;

    SessionMetrics(MetricGroup group) {
        this.keys = group.counter("snapshotKeys");
        this.unknownCommands = group.counter("unknownCommands");
    }
}
