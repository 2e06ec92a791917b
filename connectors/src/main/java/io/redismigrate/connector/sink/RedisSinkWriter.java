package io.redismigrate.connector.sink;

import io.redismigrate.connector.command.CommandTable;
import io.redismigrate.connector.event.KeyRef;
import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.progress.Progress;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes events to a standalone destination over one {@link PipelinedConnection}: RESTORE events as
 * {@code RESTORE … REPLACE ABSTTL} (or a relative TTL for old destinations), COMMAND events as their args.
 * {@link #flush} (checkpoint, end of input) returns once every command is answered and throws the first error.
 */
public class RedisSinkWriter implements StatefulSinkWriter<RedisEvent, AppliedFences> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RedisSinkWriter.class);
    private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SET = "SET".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MOVE = "MOVE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HSET = "HSET".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HDEL = "HDEL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] MULTI_ARGS = {"MULTI".getBytes(StandardCharsets.US_ASCII)};
    private static final byte[][] EXEC_ARGS = {"EXEC".getBytes(StandardCharsets.US_ASCII)};

    private final RedisSinkConfig config;
    private final PipelinedConnection connection;
    private final Counter numRecordsSend;
    private final Counter expiredSkipped;
    private final Counter replaySkipped;
    private final Map<String, Long> fences;
    private final Throttle throttle;
    private final Counter throttledMs;
    private final IdleFlush idleFlush;
    private final SourceKeys sources;
    /** Keys copied from the source (refresh), per split: target db:key → source offset the copy was read at. */
    private final Map<String, Map<ClusterFences.ByteKey, Long>> keyFences;
    private final Counter refreshed;

    // the open stream batch (MULTI … SET fence … EXEC)
    private boolean batchOpen;
    private String batchSplit;
    private RedisEvent batchLast;
    private final SinkSplitMetrics splitMetrics;
    private long batchEnd = -1; // a heartbeat inside the batch moves its end past the last command
    private int batchCommands;

    public RedisSinkWriter(RedisSinkConfig config, WriterInitContext context) throws IOException {
        this(config, context, java.util.List.of());
    }

    /** @param restored the fences checkpointed by the writers of the run this one is restored from (empty: a new run) */
    public RedisSinkWriter(RedisSinkConfig config, WriterInitContext context, java.util.Collection<AppliedFences> restored)
            throws IOException {
        this.config = config;
        SinkWriterMetricGroup metrics = context.metricGroup();
        Counter commands = metrics.counter("commandsWritten");
        Counter bytes = new SplitCounter(metrics.counter("bytesWritten"), metrics.getNumBytesSendCounter());
        this.numRecordsSend = metrics.getNumRecordsSendCounter();
        this.expiredSkipped = metrics.counter("expiredKeysSkipped");
        this.replaySkipped = metrics.counter("replayedCommandsSkipped");
        this.fences = OffsetFence.load(config.target(), config.connectTimeoutMs());
        AppliedFences.merge(restored).check((split, slot) -> fences.get(split), config.target().toString());
        this.keyFences = OffsetFence.loadKeyFences(config.target(), config.connectTimeoutMs());
        this.sources = new SourceKeys(config);
        this.refreshed = metrics.counter("keysRefreshed");
        this.throttle = config.throttle(context.getTaskInfo().getNumberOfParallelSubtasks());
        this.throttledMs = metrics.counter("throttledMs");
        this.connection = PipelinedConnection.open(config.target(), config, commands, bytes);
        this.idleFlush = new IdleFlush(context.getProcessingTimeService(), config.flushIntervalMs(), () -> {
            closeBatch(); // sends what waits in the buffer
            if (connection.hasUnflushed()) connection.flushOutput();
            return false;
        });
        this.splitMetrics = new SinkSplitMetrics(metrics);
        connection.countErrors(metrics.getNumRecordsSendErrorsCounter());
        metrics.gauge("inFlight", (Gauge<Integer>) connection::inFlight);
        metrics.gauge("latencyMs", (Gauge<Long>) () -> maxOf(p -> p.latencyMs));
        metrics.gauge("lagBytes", (Gauge<Long>) () -> maxOf(Progress.SplitProgress::lagBytes));
    }

    /** The fences applied so far: {@link #flush} ran before, so each is answered by the target. */
    @Override
    public java.util.List<AppliedFences> snapshotState(long checkpointId) {
        Map<String, Map<Integer, Long>> m = new java.util.HashMap<>();
        fences.forEach((split, offset) -> {
            if (offset >= 0) m.put(split, Map.of(AppliedFences.STANDALONE, offset));
        });
        return java.util.List.of(new AppliedFences(m));
    }

    @Override
    public void write(RedisEvent event, Context context) throws IOException, InterruptedException {
        if (event.stream()) {
            writeStream(event);
        } else if (event.kind() == RedisEvent.Kind.CONTROL) {
            splitMetrics.control(event);
            if (RedisEvent.HEARTBEAT.equals(event.controlType())) {
                writeHeartbeat(event);
                return;
            }
            closeBatch();
            if (RedisEvent.SNAPSHOT_START.equals(event.controlType())) {
                // a new snapshot rewrites everything: the old fence no longer describes the destination
                fences.put(event.splitId(), -1L);
                connection.select(event, OffsetFence.DB);
                connection.sendArgs(event, new byte[][] {DEL, OffsetFence.key(event.splitId())});
            }
            return;
        } else if (event.kind() == RedisEvent.Kind.RESTORE) {
            closeBatch();
            pace(event);
            long expireAt = event.expireAtMs();
            if (config.useAbsTtl()) {
                connection.sendRestore(event, expireAt, true);
            } else {
                long ttl = 0;
                if (expireAt != 0) {
                    ttl = expireAt - System.currentTimeMillis();
                    if (ttl <= 0) { // expired in transit: the source no longer has it either
                        expiredSkipped.inc();
                        return;
                    }
                }
                connection.sendRestore(event, ttl, false);
            }
        } else {
            closeBatch();
            if (isFlush(event) && !flushesWholeDb(event)) { // emptying the scope before a new snapshot
                deleteOwnedKeys(event);
                return;
            }
            pace(event);
            connection.sendCommand(event);
        }
        numRecordsSend.inc();
        idleFlush.arm();
    }

    /**
     * Stream events go out in batches wrapped in MULTI/EXEC together with the split's fence, so a batch and its
     * fence apply atomically; a replayed event at or below the fence was applied before and is skipped. A source
     * transaction is never split: it is one event.
     */
    private void writeStream(RedisEvent event) throws IOException, InterruptedException {
        Long fence = fences.get(event.splitId());
        if (fence != null && event.offset() <= fence) {
            replaySkipped.inc();
            return;
        }
        pace(event);
        boolean flush = isFlush(event);
        if (flush && !flushesWholeDb(event)) {
            deleteOwnedKeys(event);
            return;
        }
        if (batchOpen && !batchSplit.equals(event.splitId())) closeBatch();
        if (!batchOpen) {
            connection.sendArgs(event, MULTI_ARGS);
            batchOpen = true;
            batchSplit = event.splitId();
            batchCommands = 0;
        }
        int fenceDb = OffsetFence.DB;
        java.util.List<KeyRef> copy = event.refresh() ? event.refreshKeys() : coveredByCopy(event);
        if (copy != null) {
            if (!copy.isEmpty()) refresh(event, copy);
        } else if (event.kind() == RedisEvent.Kind.TRANSACTION) {
            connection.select(event, event.db());
            for (byte[][] c : event.commands()) {
                connection.sendArgs(event, c);
                fenceDb = afterSwap(c, fenceDb);
            }
            batchCommands += event.commands().length;
        } else {
            connection.sendCommand(event);
            fenceDb = afterSwap(event.args(), fenceDb);
            batchCommands++;
        }
        if (fenceDb != OffsetFence.DB) moveFencesBack(event, fenceDb);
        if (flush && (CommandTable.name(event.args()).equals("FLUSHALL") || event.db() == OffsetFence.DB)) restoreOtherFences(event);
        batchLast = event;
        batchEnd = event.offset();
        numRecordsSend.inc();
        if (batchCommands >= config.batchCommands()) closeBatch();
        idleFlush.arm();
    }

    /**
     * A stream event touching a key copied from the source at offset R ≥ its own offset is already in that copy:
     * an event of that one key is skipped (empty list), one of several keys becomes a copy of all of them. Null
     * when the event is to be applied.
     */
    private java.util.List<KeyRef> coveredByCopy(RedisEvent event) {
        Map<ClusterFences.ByteKey, Long> kf = keyFences.get(event.splitId());
        if (kf == null || kf.isEmpty()) return null;
        java.util.List<KeyRef> keys = EventKeys.of(event);
        boolean covered = false;
        for (KeyRef k : keys) {
            Long r = kf.get(new ClusterFences.ByteKey(OffsetFence.keyFenceField(k.targetDb(), k.key())));
            if (r != null && event.offset() <= r) covered = true;
        }
        if (!covered) return null;
        if (keys.size() == 1) {
            replaySkipped.inc();
            return java.util.List.of();
        }
        return keys;
    }

    /**
     * Copies keys from the source into the open batch ({@link SourceKeys}: value and TTL at a known offset R, in
     * the source DB each was written in), with a key fence R per key written in the same MULTI/EXEC.
     */
    private void refresh(RedisEvent event, java.util.List<KeyRef> keys) throws IOException, InterruptedException {
        Map<ClusterFences.ByteKey, Long> kf = keyFences.computeIfAbsent(event.splitId(), s -> new java.util.HashMap<>());
        byte[] kfKey = OffsetFence.keyFenceKey(event.splitId());
        for (KeyRef k : keys) {
            SourceKeys.Copy c = sources.read(event.splitId(), k.sourceDb(), k.key(), event.offset(),
                    "a refresh of " + k.printable());
            connection.select(event, k.targetDb());
            java.util.List<byte[][]> writes = SourceKeys.writeCommands(c, config);
            for (byte[][] w : writes) connection.sendArgs(event, w);
            byte[] field = OffsetFence.keyFenceField(k.targetDb(), k.key());
            connection.select(event, OffsetFence.DB);
            connection.sendArgs(event, new byte[][] {HSET, kfKey, field, num(c.offset())});
            kf.put(new ClusterFences.ByteKey(field), c.offset());
            batchCommands += writes.size() + 1;
            refreshed.inc();
        }
    }

    /** Key fences at or below {@code end} can no longer match a later event: removed with the batch that passes them. */
    private void pruneKeyFences(RedisEvent last, String split, long end) throws IOException, InterruptedException {
        Map<ClusterFences.ByteKey, Long> kf = keyFences.get(split);
        if (kf == null || kf.isEmpty()) return;
        java.util.List<byte[]> gone = new java.util.ArrayList<>();
        for (java.util.Iterator<Map.Entry<ClusterFences.ByteKey, Long>> it = kf.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<ClusterFences.ByteKey, Long> e = it.next();
            if (e.getValue() <= end) {
                gone.add(e.getKey().bytes);
                it.remove();
            }
        }
        if (gone.isEmpty()) return;
        byte[][] hdel = new byte[gone.size() + 2][];
        hdel[0] = HDEL;
        hdel[1] = OffsetFence.keyFenceKey(split);
        for (int i = 0; i < gone.size(); i++) hdel[i + 2] = gone.get(i);
        connection.sendArgs(last, hdel);
    }

    /**
     * Where the fence DB's keys are after {@code args}, given they were in {@code db}: a replicated SWAPDB that
     * involves the fence DB carries the fence keys along with the data.
     */
    private static int afterSwap(byte[][] args, int db) {
        if (args.length != 3 || !isSwapDb(args[0])) return db;
        int a = parseDb(args[1]);
        int b = parseDb(args[2]);
        if (a < 0 || b < 0) return db;
        return db == a ? b : db == b ? a : db;
    }

    private static boolean isSwapDb(byte[] name) {
        return new String(name, StandardCharsets.US_ASCII).equalsIgnoreCase("SWAPDB");
    }

    private static int parseDb(byte[] b) {
        try {
            return Integer.parseInt(new String(b, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * A SWAPDB moved the fence keys into {@code db} (inside the open batch): move them back to the fence DB, so
     * no fence is left among the user's keys and the fences stay where they are read on restore. The fence DB
     * now holds what the other DB held, which has no fence keys.
     */
    private void moveFencesBack(RedisEvent event, int db) throws IOException, InterruptedException {
        java.util.Set<String> splits = new java.util.TreeSet<>(fences.keySet());
        splits.add(event.splitId());
        connection.select(event, db);
        for (String split : splits) {
            connection.sendArgs(event, new byte[][] {MOVE, OffsetFence.key(split), num(OffsetFence.DB)});
            batchCommands++;
        }
        for (String split : keyFences.keySet()) {
            connection.sendArgs(event, new byte[][] {MOVE, OffsetFence.keyFenceKey(split), num(OffsetFence.DB)});
            batchCommands++;
        }
    }

    private static boolean isFlush(RedisEvent e) {
        if (e.kind() != RedisEvent.Kind.COMMAND || e.key() != null || e.args() == null) return false;
        String name = CommandTable.name(e.args());
        return name.equals("FLUSHALL") || name.equals("FLUSHDB");
    }

    /**
     * A replicated FLUSHALL/FLUSHDB may empty whole target DBs only when the migration owns the target whole: no
     * --db/--db-map restriction, no prefix filter, and a standalone source (a cluster shard's flush covers only
     * that shard's slots).
     */
    private boolean flushesWholeDb(RedisEvent e) {
        return config.keyScope().unrestricted() && !config.shardSlots().containsKey(e.splitId());
    }

    /** The flush emptied the fence DB inside the batch: the other sources' fences are written again after it. */
    private void restoreOtherFences(RedisEvent event) throws IOException, InterruptedException {
        connection.select(event, OffsetFence.DB);
        for (Map.Entry<String, Long> f : fences.entrySet()) {
            if (f.getKey().equals(event.splitId()) || f.getValue() < 0) continue;
            connection.sendArgs(event, new byte[][] {SET, OffsetFence.key(f.getKey()),
                    Long.toString(f.getValue()).getBytes(StandardCharsets.US_ASCII)});
            batchCommands++;
        }
    }

    /**
     * A flush the migration does not own whole: deletes, in the flushed DB (for FLUSHALL every DB it writes), the keys it owns
     * ({@link KeyScope}, and for a cluster shard only keys of the shard's slots), then moves a stream flush's fence past it. In
     * order with the stream: what was sent before is answered first. Deleting again after a crash is harmless.
     */
    private void deleteOwnedKeys(RedisEvent event) throws IOException, InterruptedException {
        closeBatch();
        connection.awaitReplies();
        boolean all = CommandTable.name(event.args()).equals("FLUSHALL");
        String shard = config.shardSlots().get(event.splitId());
        boolean[] slots = null;
        if (shard != null) {
            slots = new boolean[io.redismigrate.connector.event.Slots.SLOT_COUNT];
            for (int[] r : io.redismigrate.connector.resp.ClusterTopology.parseRanges(shard)) java.util.Arrays.fill(slots, r[0], r[1] + 1, true);
        }
        long deleted = 0;
        try (io.redismigrate.connector.resp.RedisConnection c = io.redismigrate.connector.resp.RedisConnection.open(
                config.target(), "target", config.connectTimeoutMs())) {
            c.setReadTimeout(config.replyTimeoutMs());
            java.util.List<Integer> dbs = all ? ScopedDelete.nonEmptyDbs(c) : java.util.List.of(event.db());
            for (int db : dbs) if (config.keyScope().ownsDb(db)) deleted += ScopedDelete.run(c, db, config.keyScope(), slots);
        }
        LOG.info("{} from {} at offset {}: deleted {} keys the migration owns on the target (prefix filters or a "
                + "cluster shard's slots; other keys stay)", CommandTable.name(event.args()), event.splitId(), event.offset(), deleted);
        numRecordsSend.inc();
        if (!event.stream()) return;
        connection.select(event, OffsetFence.DB);
        connection.sendArgs(event, new byte[][] {SET, OffsetFence.key(event.splitId()),
                Long.toString(event.offset()).getBytes(StandardCharsets.US_ASCII)});
        fences.put(event.splitId(), event.offset());
    }

    /**
     * The heartbeat is not written to the target, but its offset is: the fence then reaches the source's
     * {@code master_repl_offset} on an idle source too (it is what an operator waits for before cut-over). Inside an
     * open batch it just extends the batch; alone it is one {@code SET} of the fence (atomic by itself).
     */
    private void writeHeartbeat(RedisEvent event) throws IOException, InterruptedException {
        Progress.SplitProgress p = Progress.of(event.splitId());
        Long fence = fences.get(event.splitId());
        if (fence != null && event.offset() <= fence) return;
        if (batchOpen && batchSplit.equals(event.splitId())) {
            batchEnd = event.offset();
            return;
        }
        closeBatch();
        connection.select(event, OffsetFence.DB);
        connection.sendArgs(event, new byte[][] {SET, OffsetFence.key(event.splitId()),
                Long.toString(event.offset()).getBytes(StandardCharsets.US_ASCII)});
        fences.put(event.splitId(), event.offset());
        p.appliedOffset = Math.max(p.appliedOffset, event.offset());
        idleFlush.arm();
    }

    private void closeBatch() throws IOException, InterruptedException {
        if (!batchOpen) return;
        batchOpen = false;
        RedisEvent last = batchLast;
        long end = Math.max(batchEnd, last.offset());
        connection.select(last, OffsetFence.DB);
        connection.sendArgs(last, new byte[][] {SET, OffsetFence.key(batchSplit),
                Long.toString(end).getBytes(StandardCharsets.US_ASCII)});
        pruneKeyFences(last, batchSplit, end);
        connection.sendArgs(last, EXEC_ARGS);
        fences.put(batchSplit, end);
        Progress.SplitProgress p = Progress.of(batchSplit);
        p.appliedOffset = Math.max(p.appliedOffset, end);
        p.commandsApplied += batchCommands;
    }

    /** Waits as --full-rps/--incr-rps/…-mbps demand, after sending what is buffered (an open batch is closed). */
    private void pace(RedisEvent event) throws IOException, InterruptedException {
        if (throttle == null) return;
        long wait = throttle.delayNanos(event, System.nanoTime());
        if (wait <= 0) return;
        closeBatch();
        if (connection.hasUnflushed()) connection.flushOutput();
        throttledMs.inc(wait / 1_000_000);
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        closeBatch();
        connection.awaitReplies();
    }

    private static byte[] num(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws Exception {
        idleFlush.close();
        sources.close();
        connection.close();
    }

    private static long maxOf(java.util.function.ToLongFunction<Progress.SplitProgress> f) {
        long max = -1;
        for (Progress.SplitProgress p : Progress.all().values()) max = Math.max(max, f.applyAsLong(p));
        return max;
    }

    /** Commands in flight, for tests and monitoring. */
    public int inFlight() {
        return connection.inFlight();
    }

    /** Feeds one increment to two counters (our bytesWritten and Flink's standard numBytesSend). */
    private static final class SplitCounter implements Counter {
        private final Counter a;
        private final Counter b;

        SplitCounter(Counter a, Counter b) {
            this.a = a;
            this.b = b;
        }

        @Override public void inc() { a.inc(); b.inc(); }
        @Override public void inc(long n) { a.inc(n); b.inc(n); }
        @Override public void dec() { a.dec(); b.dec(); }
        @Override public void dec(long n) { a.dec(n); b.dec(n); }
        @Override public long getCount() { return a.getCount(); }
    }
}
