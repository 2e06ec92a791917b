package io.redismigrate.connector.progress;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each source split stands, shared inside one JVM by the source (snapshot progress, offsets read, the
 * source's own offset, the last completed checkpoint) and the sink (offsets applied, heartbeat latency). The
 * metrics (see docs/metrics.md) and the console of an embedded run read it. The source side and the sink side
 * of a split share one JVM whenever the sink is chained to the source or runs in the same TaskManager; where they
 * do not, each side still reports its own half and the values that need the other half read -1.
 */
public final class Progress {
    private static final Map<String, SplitProgress> SPLITS = new ConcurrentHashMap<>();

    /** "Caught up": the lag stayed under this for {@link #CAUGHT_UP_FOR_MS}. */
    public static final long CAUGHT_UP_LAG_MS = 1000;
    public static final long CAUGHT_UP_FOR_MS = 10_000;
    /** How often the source writes a heartbeat (see the source's Heartbeat): the lag's resolution. */
    public static final long HEARTBEAT_INTERVAL_MS = 1000;

    /** Phase codes of the {@code phase} metric. */
    public static final int PHASE_SNAPSHOT = 0;
    public static final int PHASE_STREAM = 1;
    public static final int PHASE_CAUGHT_UP = 2;

    private Progress() {}

    public static SplitProgress of(String splitId) {
        return SPLITS.computeIfAbsent(splitId, SplitProgress::new);
    }

    public static Map<String, SplitProgress> all() {
        return SPLITS;
    }

    /**
     * A split id as a metric group value: every character outside {@code [A-Za-z0-9_-]} becomes {@code _}
     * ({@code 127.0.0.1:6379} → {@code 127_0_0_1_6379}, {@code slots-0-5460} stays), so metric identifiers that
     * join scope components with dots stay parseable.
     */
    public static String metricLabel(String splitId) {
        StringBuilder b = new StringBuilder(splitId.length());
        for (int i = 0; i < splitId.length(); i++) {
            char c = splitId.charAt(i);
            b.append(Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_' ? c : '_');
        }
        return b.toString();
    }

    /** Progress of one split; every field is written by one thread and read by others. */
    public static final class SplitProgress {
        private final String splitId;
        /** connecting, snapshot, stream: the source side's view. */
        public volatile String phase = "connecting";

        // ---- source side
        /** The source's master_repl_offset, read every second. */
        public volatile long sourceOffset = -1;
        /** Offset of the last command read from the stream. */
        public volatile long readOffset = -1;
        /** Keys of the current (or last) snapshot parsed; restored from the checkpoint on a resume. */
        public volatile long snapshotKeys;
        /** Keys on the source when the snapshot started (INFO keyspace), -1 when unknown. */
        public volatile long snapshotKeysTotal = -1;
        /** RDB bytes parsed. */
        public volatile long snapshotBytes;
        /** RDB length from the transfer header ({@code $<length>}); -1 for a diskless transfer or when unknown. */
        public volatile long snapshotBytesTotal = -1;
        /** Wall-clock ms the snapshot started and ended (0: not yet / not in this run). */
        public volatile long snapshotStartMs;
        public volatile long snapshotEndMs;
        /** Stream commands read (continues across resumes: restored from the checkpoint). */
        public volatile long streamCommands;
        /** Replication id and offset of the last completed checkpoint: applied on the target for sure. */
        private volatile String durableReplId;
        private volatile long durableOffset = -1;

        // ---- sink side
        /** Offset of the last command written to the destination. */
        public volatile long appliedOffset = -1;
        /** Source write → destination write time of the last heartbeat, ms. */
        public volatile long latencyMs = -1;
        /** Source wall-clock ms the last applied heartbeat was written at; 0 when none yet. */
        public volatile long heartbeatWrittenMs;
        /** The sink has seen this split's stream start. */
        public volatile boolean streaming;
        /** Since when (ms) the lag has been under {@link #CAUGHT_UP_LAG_MS}; 0 when it is not. */
        private volatile long lagLowSinceMs;
        public volatile long commandsApplied;

        SplitProgress(String splitId) {
            this.splitId = splitId;
        }

        public String splitId() { return splitId; }

        public void durable(String replId, long offset) {
            durableOffset = offset;
            durableReplId = replId;
        }

        /** Offset of the last completed checkpoint (-1: none yet in this run). */
        public long durableOffset() { return durableOffset; }

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

        /**
         * The sink applied a heartbeat written on the source at {@code writtenMs}. Moves the caught-up clock: the
         * lag stayed low if this heartbeat's latency is low and the previous one was not overdue in between.
         */
        public void heartbeatApplied(long writtenMs, long nowMs) {
            long previous = heartbeatWrittenMs;
            long latency = Math.max(0, nowMs - writtenMs);
            boolean low = latency < CAUGHT_UP_LAG_MS
                    && (previous == 0 || nowMs - previous - HEARTBEAT_INTERVAL_MS < CAUGHT_UP_LAG_MS);
            if (!low) lagLowSinceMs = 0;
            else if (lagLowSinceMs == 0) lagLowSinceMs = nowMs;
            latencyMs = latency;
            heartbeatWrittenMs = writtenMs;
        }

        /**
         * How far behind the source the destination is, ms: the latency of the last applied heartbeat, or, when
         * the next heartbeat is overdue, the time since the last one was written less one heartbeat interval (so a
         * stalled pipeline shows a growing lag). -1 before the first heartbeat.
         */
        public long lagMs(long nowMs) {
            long written = heartbeatWrittenMs;
            if (written == 0) return -1;
            return Math.max(latencyMs, nowMs - written - HEARTBEAT_INTERVAL_MS);
        }

        /** 0 snapshot, 1 stream, 2 caught up (stream, and lag under 1 s for the last 10 s). */
        public int phaseCode(long nowMs) {
            if (!streaming) return PHASE_SNAPSHOT;
            long lag = lagMs(nowMs);
            long since = lagLowSinceMs;
            if (lag < 0 || lag >= CAUGHT_UP_LAG_MS || since == 0) return PHASE_STREAM;
            return nowMs - since >= CAUGHT_UP_FOR_MS ? PHASE_CAUGHT_UP : PHASE_STREAM;
        }

        /**
         * Percent of the snapshot done: by bytes when the RDB length is known, else by keys against the source's key
         * count; 100 once the snapshot is parsed; -1 when unknown.
         */
        public double snapshotPercent() {
            if (snapshotEndMs > 0 || "stream".equals(phase)) return 100;
            long total = snapshotBytesTotal;
            if (total > 0) return Math.min(100, 100.0 * snapshotBytes / total);
            long keys = snapshotKeysTotal;
            if (keys > 0) return Math.min(99.9, 100.0 * snapshotKeys / keys);
            return keys == 0 && snapshotStartMs > 0 ? 0 : -1;
        }

        /** Seconds until the snapshot is parsed at the rate so far; 0 when done, -1 when unknown. */
        public long snapshotEtaSeconds(long nowMs) {
            double pct = snapshotPercent();
            if (pct >= 100) return 0;
            long start = snapshotStartMs;
            if (pct <= 0 || start == 0) return -1;
            double elapsed = (nowMs - start) / 1000.0;
            return Math.round(elapsed * (100 - pct) / pct);
        }
    }
}
