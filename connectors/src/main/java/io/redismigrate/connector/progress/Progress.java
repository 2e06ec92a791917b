package io.redismigrate.connector.progress;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each source split stands, shared inside one JVM by the source (offsets read and the source's own offset)
 * and the sink (offsets applied, heartbeat latency). It feeds the lag metric and the console of an embedded run;
 * source and sink of a split run chained in one task, so they always share it.
 */
public final class Progress {
    private static final Map<String, SplitProgress> SPLITS = new ConcurrentHashMap<>();

    private Progress() {}

    public static SplitProgress of(String splitId) {
        return SPLITS.computeIfAbsent(splitId, SplitProgress::new);
    }

    public static Map<String, SplitProgress> all() {
        return SPLITS;
    }

    /** Progress of one split; every field is written by one thread and read by others. */
    public static final class SplitProgress {
        private final String splitId;
        public volatile String phase = "connecting";
        /** The source's master_repl_offset, read every second. */
        public volatile long sourceOffset = -1;
        /** Offset of the last command read from the stream. */
        public volatile long readOffset = -1;
        /** Offset of the last command written to the destination. */
        public volatile long appliedOffset = -1;
        /** Source write → destination write time of the last heartbeat, ms. */
        public volatile long latencyMs = -1;
        public volatile long commandsApplied;
        /** Replication id and offset of the last completed checkpoint: applied on the target for sure. */
        private volatile String durableReplId;
        private volatile long durableOffset = -1;

        SplitProgress(String splitId) {
            this.splitId = splitId;
        }

        public String splitId() { return splitId; }

        public void durable(String replId, long offset) {
            durableOffset = offset;
            durableReplId = replId;
        }

        /**
         * What the replication link may ACK: {@code read}, but no more than the last completed checkpoint of the
         * same replication id, nor less than {@code start} (where this sync started: the restored offset, or the
         * snapshot's, which a diskless transfer needs ACKed before it sends the stream).
         */
        public long ackable(String replId, long start, long read) {
            long durable = replId.equals(durableReplId) ? durableOffset : -1;
            return Math.min(read, Math.max(start, durable));
        }

        /** Bytes of replication stream the destination is behind the source; -1 when unknown. */
        public long lagBytes() {
            long src = sourceOffset;
            long applied = appliedOffset;
            return src < 0 || applied < 0 ? -1 : Math.max(0, src - applied);
        }
    }
}
