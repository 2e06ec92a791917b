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

        SplitProgress(String splitId) {
            this.splitId = splitId;
        }

        public String splitId() { return splitId; }

        /** Bytes of replication stream the destination is behind the source; -1 when unknown. */
        public long lagBytes() {
            long src = sourceOffset;
            long applied = appliedOffset;
            return src < 0 || applied < 0 ? -1 : Math.max(0, src - applied);
        }
    }
}
