package io.redismigrate.connector.sink;

import io.redismigrate.connector.command.CommandTable;
import io.redismigrate.connector.event.KeyRef;
import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.event.Slots;
import io.redismigrate.connector.progress.Progress;
import io.redismigrate.connector.resp.ClusterTopology;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.resp.RespReader;
import io.redismigrate.connector.sink.ClusterFences.ByteKey;
import io.redismigrate.connector.sink.ClusterNode.Unit;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes events to a Redis Cluster destination. Each event goes to the master owning its slot (map from
 * {@code CLUSTER SLOTS}), one pipelined {@link ClusterNode} per master.
 *
 * <p><b>Order.</b> Per slot at most one {@link Unit} is in flight; events of a slot arriving meanwhile wait in the
 * slot's queue and go out together as the next unit once the previous one is answered. So a redirect
 * (MOVED/ASK during resharding, TRYAGAIN, CLUSTERDOWN during a failover) can never let a later command of the slot
 * overtake an earlier one: the redirected commands are put back at the head of the slot's queue and resent to the
 * new owner (MOVED, the slot map is updated), or once to the importing node after {@code ASKING} (ASK), or to the
 * same node after a short pause (TRYAGAIN/CLUSTERDOWN). Slots are independent, so many slots are in flight at once.
 *
 * <p><b>Exactly-once.</b> Stream events of a slot go out as {@code MULTI … SET <fence of (split, slot)> <offset>
 * EXEC} ({@link ClusterFences}); a failed EXEC applied nothing, so resending it is safe. Replayed events at or
 * below the fence loaded at start are skipped. {@link RedisEvent#refresh() Refresh} events (cross-slot commands)
 * are resolved here: the key's DUMP + PTTL and the source's {@code master_repl_offset} R are read in one MULTI on
 * the source, the key is written with RESTORE (or DEL when gone) and a per-key fence R, in the same MULTI as the
 * slot's fence; later events touching that key with offsets ≤ R are already in the copied value and are skipped
 * (or, if they touch other keys too, turned into refreshes of all their keys).
 *
 * <p><b>Keyless stream commands</b> (FUNCTION, SCRIPT, PUBLISH, MULTI/EXEC blocks of those) are fenced with slot 0
 * ({@link RedisEvent#routingSlot()}, as keyBy routes them) in slot 0's unit; FUNCTION/SCRIPT are first side-called
 * in an idempotent form on every other master ({@link #keylessStream}). SPUBLISH is routed by its channel's slot.
 */
public class ClusterSinkWriter implements StatefulSinkWriter<RedisEvent, AppliedFences> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusterSinkWriter.class);
    private static final byte[] SET = b("SET");
    private static final byte[] DEL = b("DEL");
    private static final byte[] HSET = b("HSET");
    private static final byte[] HDEL = b("HDEL");
    private static final byte[] RESTORE = b("RESTORE");
    private static final byte[] REPLACE = b("REPLACE");
    private static final byte[] ABSTTL = b("ABSTTL");
    private static final long RETRY_PAUSE_MS = 20;
    /** Snapshot events per loose unit: enough to make the per-unit bookkeeping negligible per key. */
    private static final int LOOSE_UNIT_EVENTS = 512;

    private final RedisSinkConfig config;
    private final Thread owner = Thread.currentThread();
    private final ConcurrentLinkedQueue<Unit> done = new ConcurrentLinkedQueue<>();
    private final Map<String, ClusterNode> nodes = new HashMap<>();
    private final Map<String, RedisEndpoint> endpoints = new HashMap<>();
    private final String[] owners = new String[Slots.SLOT_COUNT];
    private final SlotState[] slots = new SlotState[Slots.SLOT_COUNT];
    private final ArrayDeque<Integer> delayed = new ArrayDeque<>();
    private final Map<String, long[]> loadedFences;
    /** Fences this writer applied (or restored), split → slot → offset: its checkpointed {@link AppliedFences}. */
    private final Map<String, long[]> applied = new HashMap<>();
    private final Map<String, Map<Integer, Map<ByteKey, Long>>> keyFences;
    private final SourceKeys sources;
    private final Map<String, boolean[]> shardSlots = new HashMap<>();
    private final int subtask;
    private final int parallelism;
    private final int maxParallelism;
    private final Counter numRecordsSend;
    private final Counter replaySkipped;
    private final Counter redirects;
    private final Counter refreshed;
    private final Counter commandsWritten;
    private final Counter throttledMs;
    private final Throttle throttle;
    private int queued;    // events waiting in slot queues
    private int inFlight;  // events in units not yet answered
    private long heldBytes; // bytes of the events queued or in flight: bounded by maxInFlightBytes
    private final IdleFlush idleFlush;

    private static final class SlotState {
        final ArrayDeque<RedisEvent> pending = new ArrayDeque<>();
        Unit inFlight;
        int looseInFlight;           // snapshot events of the slot in loose units, all to looseNode
        String looseNode;
        List<RedisEvent> looseRedo;  // redirected loose events, in send order: requeued when none is in flight
        String askNode;
        List<RedisEvent> askEvents;
        long retryAt;
        long failingSince;
        boolean isDelayed;
    }

    private final SinkSplitMetrics splitMetrics;
    private final Counter sendErrors;
    private final Counter retries;

    public ClusterSinkWriter(RedisSinkConfig config, WriterInitContext context) throws IOException {
        this(config, context, List.of());
    }

    /** @param restored the fences checkpointed by the writers of the run this one is restored from (empty: a new run) */
    public ClusterSinkWriter(RedisSinkConfig config, WriterInitContext context, java.util.Collection<AppliedFences> restored)
            throws IOException {
        this.config = config;
        SinkWriterMetricGroup metrics = context.metricGroup();
        this.numRecordsSend = metrics.getNumRecordsSendCounter();
        this.replaySkipped = metrics.counter("replayedCommandsSkipped");
        this.redirects = metrics.counter("clusterRedirects");
        this.refreshed = metrics.counter("crossSlotKeysRefreshed");
        this.sources = new SourceKeys(config);
        this.commandsWritten = metrics.counter("commandsWritten");
        this.throttledMs = metrics.counter("throttledMs");
        this.idleFlush = new IdleFlush(context.getProcessingTimeService(), config.flushIntervalMs(), () -> {
            drainDone();
            retryDelayed();
            flushNodes();
            return queued + inFlight > 0; // redirected or delayed events may still wait
        });
        this.subtask = context.getTaskInfo().getIndexOfThisSubtask();
        this.parallelism = context.getTaskInfo().getNumberOfParallelSubtasks();
        this.maxParallelism = context.getTaskInfo().getMaxNumberOfParallelSubtasks();
        this.throttle = config.throttle(parallelism);
        for (RedisEndpoint e : config.clusterNodes()) endpoints.put(e.toString(), e);
        endpoints.putIfAbsent(config.target().toString(), config.target());
        refreshSlotMap();
        ClusterFences.Loaded loaded = new ClusterFences.Loaded();
        for (String master : masters()) {
            try (RedisConnection c = RedisConnection.open(endpoint(master), "target", config.connectTimeoutMs())) {
                ClusterFences.load(c, loaded);
            }
        }
        this.loadedFences = loaded.fences;
        this.keyFences = loaded.keyFences;
        AppliedFences before = AppliedFences.merge(restored);
        before.check((split, slot) -> {
            long[] f = loadedFences.get(split);
            return f == null || f[slot] < 0 ? null : f[slot];
        }, "cluster " + config.target());
        // carried forward: another subtask may own those slots now, and its fences must still be checked next time
        before.offsets().forEach((split, slots) -> slots.forEach((slot, off) -> recordApplied(split, slot, off)));
        this.splitMetrics = new SinkSplitMetrics(metrics);
        this.sendErrors = metrics.getNumRecordsSendErrorsCounter();
        this.retries = metrics.counter("retries");
        metrics.gauge("inFlight", (Gauge<Integer>) () -> inFlight);
        metrics.gauge("latencyMs", (Gauge<Long>) () -> maxOf(p -> p.latencyMs));
        metrics.gauge("lagBytes", (Gauge<Long>) () -> maxOf(Progress.SplitProgress::lagBytes));
    }

    // ------------------------------------------------------------------ topology

    private RedisEndpoint endpoint(String address) {
        return endpoints.computeIfAbsent(address, a -> {
            int colon = a.lastIndexOf(':');
            return config.target().withAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1)));
        });
    }

    private java.util.Set<String> masters() {
        java.util.Set<String> m = new java.util.TreeSet<>();
        for (String o : owners) if (o != null) m.add(o);
        return m;
    }

    /** Reads CLUSTER SLOTS from the first known node that answers. */
    private void refreshSlotMap() throws IOException {
        IOException last = null;
        List<String> candidates = new ArrayList<>(endpoints.keySet());
        for (String address : candidates) {
            try (RedisConnection c = RedisConnection.open(endpoint(address), "target", config.connectTimeoutMs())) {
                Object reply = c.call("CLUSTER", "SLOTS");
                if (reply instanceof RespError) {
                    last = new IOException("target " + address + ": CLUSTER SLOTS failed: " + reply);
                    continue;
                }
                java.util.Arrays.fill(owners, null);
                for (Object r : (List<?>) reply) {
                    List<?> range = (List<?>) r;
                    int from = ((Number) range.get(0)).intValue();
                    int to = ((Number) range.get(1)).intValue();
                    List<?> master = (List<?>) range.get(2);
                    String host = RespReader.text(master.get(0));
                    if (host.isEmpty()) host = c.endpoint().host();
                    String addr = host + ":" + ((Number) master.get(1)).intValue();
                    endpoint(addr);
                    for (int s = from; s <= to; s++) owners[s] = addr;
                }
                return;
            } catch (IOException e) {
                last = e;
            }
        }
        throw last != null ? last : new IOException("target: no cluster node known");
    }

    private ClusterNode node(String address) throws IOException {
        ClusterNode n = nodes.get(address);
        if (n == null || n.failure() != null) {
            if (n != null) throw n.failure();
            n = new ClusterNode(address, endpoint(address), config, done, owner);
            nodes.put(address, n);
        }
        return n;
    }

    /** Whether this subtask writes {@code slot}: all slots unless the input is partitioned by keyBy(slot). */
    private boolean mySlot(int slot) {
        return !config.slotPartitioned() || parallelism <= 1
                || KeyGroupRangeAssignment.assignKeyToParallelOperator(slot, maxParallelism, parallelism) == subtask;
    }

    /** Whether {@code split} (a cluster source's shard) serves {@code slot}; a standalone source serves all. */
    private boolean splitServes(String split, int slot) {
        String ranges = config.shardSlots().get(split);
        if (ranges == null) return true;
        boolean[] served = shardSlots.computeIfAbsent(split, k -> {
            boolean[] b = new boolean[Slots.SLOT_COUNT];
            for (int[] r : ClusterTopology.parseRanges(ranges)) java.util.Arrays.fill(b, r[0], r[1] + 1, true);
            return b;
        });
        return served[slot];
    }

    // ------------------------------------------------------------------ writing

    @Override
    public void write(RedisEvent event, Context context) throws IOException, InterruptedException {
        drainDone();
        if (event.kind() == RedisEvent.Kind.CONTROL) {
            control(event);
            return;
        }
        if (isFlush(event) || (event.key() == null && !event.stream())) {
            keyless(event);
            return;
        }
        if (event.key() == null && event.kind() == RedisEvent.Kind.COMMAND && KeylessCommands.isSpublish(event.args())) {
            event = byChannel(event);
        }
        int slot = event.routingSlot(); // keyless stream events: slot 0, as keyBy(routingSlot) routes them
        if (event.stream()) {
            long[] f = loadedFences.get(event.splitId());
            if (f != null && event.offset() <= f[slot]) {
                replaySkipped.inc();
                return;
            }
            if (event.key() == null || (event.kind() == RedisEvent.Kind.TRANSACTION
                    && KeylessCommands.anyEveryMaster(event.commands()))) {
                event = keylessStream(event, slot);
            }
        }
        pace(event);
        SlotState s = slots[slot];
        if (s == null) s = slots[slot] = new SlotState();
        numRecordsSend.inc();
        heldBytes += EventSize.bytes(event);
        if (!event.stream() && canSendLoose(slot, s)) {
            s.looseNode = owners[slot];
            s.looseInFlight++;
            inFlight++;
            node(owners[slot]).sendLoose(event, config.useAbsTtl(), LOOSE_UNIT_EVENTS);
            commandsWritten.inc();
        } else {
            s.pending.add(event);
            queued++;
            trySend(slot);
        }
        while (queued + inFlight > config.maxInFlight() || (heldBytes > config.maxInFlightBytes() && queued + inFlight > 1)) {
            awaitProgress();
        }
        idleFlush.arm();
    }

    private void control(RedisEvent event) throws IOException, InterruptedException {
        String type = event.controlType();
        splitMetrics.control(event);
        if (RedisEvent.HEARTBEAT.equals(type)) {
            Progress.SplitProgress p = Progress.of(event.splitId());
            p.appliedOffset = Math.max(p.appliedOffset, event.offset());
        } else if (RedisEvent.SNAPSHOT_START.equals(type)) {
            // every sink subtask gets a copy (routed by a key of one of its slots): drop this split's fences of
            // the slots this subtask writes; a new snapshot rewrites everything
            drainAll();
            String split = event.splitId();
            loadedFences.remove(split);
            applied.remove(split);
            Map<Integer, Map<ByteKey, Long>> kf = keyFences.remove(split);
            List<byte[][]> dels = new ArrayList<>();
            for (int slot = 0; slot < Slots.SLOT_COUNT; slot++) {
                if (!mySlot(slot)) continue;
                dels.add(new byte[][] {DEL, ClusterFences.fenceKey(slot, split), ClusterFences.keyFenceKey(slot, split)});
            }
            sideCalls(dels);
            if (kf != null) LOG.debug("dropped key fences of {} slots", kf.size());
        }
    }

    /**
     * FLUSHALL/FLUSHDB, and keyless snapshot events (the RDB's functions as FUNCTION LOAD REPLACE, FUNCTION FLUSH
     * before a new snapshot). A flush reaches every sink subtask that writes slots of its split (broadcast before
     * a keyBy): each deletes the keys of the slots it writes and the split's shard serves, so a flush stays ordered
     * with the later writes of every slot and a cluster source's shard empties only its own slots. Snapshot
     * functions go to every master (idempotent forms: a repeated snapshot loads them again). Keyless stream
     * commands take the fenced path ({@link #keylessStream}).
     */
    private void keyless(RedisEvent event) throws IOException, InterruptedException {
        drainAll();
        String name = event.kind() == RedisEvent.Kind.COMMAND ? CommandTable.name(event.args()) : "";
        if (name.equals("FLUSHALL") || name.equals("FLUSHDB")) {
            clearMySlots(event);
            return;
        }
        byte[][][] cmds = event.kind() == RedisEvent.Kind.TRANSACTION ? event.commands() : new byte[][][] {event.args()};
        sideCallEverywhere(event, cmds, null);
    }

    /**
     * A keyless stream event (FUNCTION, SCRIPT, PUBLISH, a MULTI/EXEC of those), or a transaction that holds FUNCTION
     * or SCRIPT commands, about to join {@code slot}'s fenced unit (slot 0 for keyless events): the unit on the slot's
     * owner is {@code MULTI … cmd … SET fence EXEC}, so the slot's fence decides whether the command was applied,
     * and a replay at or below the fence was dropped before this. FUNCTION/SCRIPT must reach every master: first the
     * idempotent forms ({@link KeylessCommands}) are side-called on every other master and their replies awaited,
     * after everything sent before is applied. So when the unit is lost (crash) the other masters are at most this
     * one command ahead, and the replay (side calls again, then the unit) gives the same state everywhere. PUBLISH
     * goes in the unit only: the cluster forwards it to every node. Returns the event with the idempotent forms,
     * which also go in the unit (they do what the original does on a master in step with the source, and a second
     * split of a cluster source replicating the same FUNCTION LOAD does not fail).
     */
    private RedisEvent keylessStream(RedisEvent event, int slot) throws IOException, InterruptedException {
        boolean tx = event.kind() == RedisEvent.Kind.TRANSACTION;
        byte[][][] cmds = tx ? event.commands() : new byte[][][] {event.args()};
        byte[][][] rewritten = cmds;
        boolean sideCalls = false;
        for (int i = 0; i < cmds.length; i++) {
            byte[][] r = KeylessCommands.idempotent(cmds[i]);
            if (r != cmds[i]) {
                if (rewritten == cmds) rewritten = cmds.clone();
                rewritten[i] = r;
            }
            if (event.key() == null ? KeylessCommands.sideCalled(cmds[i]) : KeylessCommands.everyMaster(cmds[i])) sideCalls = true;
        }
        if (sideCalls) {
            drainAll(); // every earlier unit applied: the other masters get ahead of the fence by this command only
            if (owners[slot] == null) refreshSlotMap();
            sideCallEverywhere(event, rewritten, owners[slot]);
        }
        if (rewritten == cmds) return event;
        return tx ? event.withCommands(rewritten) : event.withArgs(rewritten[0]);
    }

    /**
     * Sends the commands of {@code cmds} that must reach every master (pipelined, one connection per master) to every
     * master except {@code except}, and waits for the replies; "already done" errors are success.
     */
    private void sideCallEverywhere(RedisEvent event, byte[][][] cmds, String except) throws IOException {
        boolean keyless = event.key() == null;
        for (String m : masters()) {
            if (m.equals(except)) continue;
            try (RedisConnection c = RedisConnection.open(endpoint(m), "target", config.connectTimeoutMs())) {
                c.setReadTimeout(config.replyTimeoutMs());
                int sent = 0;
                for (byte[][] cmd : cmds) {
                    if (keyless ? KeylessCommands.sideCalled(cmd) : KeylessCommands.everyMaster(cmd)) {
                        c.writer().command(KeylessCommands.idempotent(cmd));
                        sent++;
                    }
                }
                c.writer().flush();
                for (byte[][] cmd : cmds) {
                    if (!(keyless ? KeylessCommands.sideCalled(cmd) : KeylessCommands.everyMaster(cmd))) continue;
                    Object r = c.reader().read();
                    if (r instanceof RespError && !KeylessCommands.alreadyDone(cmd, (RespError) r)) {
                        sendErrors.inc();
                        throw WriteErrors.rejected(endpoint(m), event, -1, (RespError) r);
                    }
                }
                if (sent > 0) commandsWritten.inc(sent);
            }
        }
    }

    /**
     * An SPUBLISH not routed by its channel (ClusterRouting gives it the channel as key): this subtask can write it
     * only when it owns the channel's slot; keyBy sent it to slot 0's subtask otherwise, where its fence would
     * race with the channel slot's own writer.
     */
    private RedisEvent byChannel(RedisEvent event) throws IOException {
        byte[] channel = event.args().length > 1 ? event.args()[1] : null;
        if (channel == null || !mySlot(Slots.slot(channel))) {
            throw new IOException("target: SPUBLISH must be routed by its channel's slot (" + event + ")");
        }
        return event.withKey(channel);
    }

    /**
     * Deletes the keys of the flush's scope: slots this subtask writes and the split's shard serves (and whose fence
     * is below the flush), keys the migration owns ({@link KeyScope}). Every master is scanned (a flush is rare;
     * one SCAN per master beats a GETKEYSINSLOT round trip per slot), then the slots' fences move past the flush.
     */
    private void clearMySlots(RedisEvent event) throws IOException {
        long[] f = event.stream() ? loadedFences.get(event.splitId()) : null;
        boolean[] cleared = new boolean[Slots.SLOT_COUNT];
        for (int slot = 0; slot < Slots.SLOT_COUNT; slot++) {
            cleared[slot] = mySlot(slot) && splitServes(event.splitId(), slot) && (f == null || event.offset() > f[slot]);
        }
        long deleted = 0;
        for (String master : masters()) {
            try (RedisConnection c = RedisConnection.open(endpoint(master), "target", config.connectTimeoutMs())) {
                c.setReadTimeout(config.replyTimeoutMs());
                String cursor = "0";
                do {
                    Object r = c.call("SCAN", cursor, "COUNT", "1000");
                    if (r instanceof RespError) throw new IOException("target " + master + ": SCAN failed: " + r);
                    List<?> page = (List<?>) r;
                    cursor = RespReader.text(page.get(0));
                    int sent = 0; // one DEL per key, pipelined: a multi-key DEL must stay in one slot
                    for (Object k : (List<?>) page.get(1)) {
                        byte[] key = (byte[]) k;
                        int slot = Slots.slot(key);
                        if (cleared[slot] && master.equals(owners[slot]) && config.keyScope().owns(key)) {
                            c.writer().command(DEL, key);
                            sent++;
                        }
                    }
                    c.writer().flush();
                    for (int i = 0; i < sent; i++) {
                        Object d = c.reader().read();
                        if (d instanceof RespError) throw new IOException("target " + master + ": DEL failed: " + d);
                    }
                    deleted += sent;
                } while (!"0".equals(cursor));
            }
        }
        if (event.stream()) {
            List<byte[][]> fences = new ArrayList<>();
            for (int slot = 0; slot < Slots.SLOT_COUNT; slot++) {
                if (cleared[slot]) fences.add(new byte[][] {SET, ClusterFences.fenceKey(slot, event.splitId()), num(event.offset())});
            }
            sideCalls(fences);
            for (int slot = 0; slot < Slots.SLOT_COUNT; slot++) {
                if (cleared[slot]) recordApplied(event.splitId(), slot, event.offset());
            }
        }
        LOG.info("{}: deleted {} keys in the slots of sink subtask {}", event.commandName(), deleted, subtask);
    }

    private void sideCalls(List<byte[][]> cmds) throws IOException {
        Map<String, RedisConnection> conns = new HashMap<>();
        try {
            for (byte[][] cmd : cmds) {
                String addr = owners[Slots.slot(cmd[1])];
                RedisConnection c = conns.get(addr);
                if (c == null) {
                    c = RedisConnection.open(endpoint(addr), "target", config.connectTimeoutMs());
                    conns.put(addr, c);
                }
                c.writer().command(cmd);
            }
            for (RedisConnection c : conns.values()) c.writer().flush();
            for (byte[][] cmd : cmds) {
                Object r = conns.get(owners[Slots.slot(cmd[1])]).reader().read();
                if (r instanceof RespError) throw new IOException("target: " + new String(cmd[0], StandardCharsets.US_ASCII) + " failed: " + r);
            }
        } finally {
            for (RedisConnection c : conns.values()) c.close();
        }
    }

    /**
     * Snapshot events (each key once, no order among keys) skip the slot's queue and share per-node loose units
     * unless something of the slot waits or is in a slot unit, or the slot's loose events went to another node
     * (a MOVED reply changed the owner meanwhile): those events must come back before later ones go out.
     */
    private boolean canSendLoose(int slot, SlotState s) {
        return s.pending.isEmpty() && s.inFlight == null && s.askEvents == null && s.retryAt == 0 && owners[slot] != null
                && (s.looseInFlight == 0 || owners[slot].equals(s.looseNode));
    }

    /** Sends the slot's next unit if nothing of the slot is in flight and no retry pause is pending. */
    private void trySend(int slot) throws IOException {
        SlotState s = slots[slot];
        if (s == null || s.inFlight != null || s.looseInFlight > 0) return;
        if (s.pending.isEmpty() && s.askEvents == null) return;
        if (s.retryAt != 0) {
            if (System.currentTimeMillis() < s.retryAt) {
                if (!s.isDelayed) {
                    s.isDelayed = true;
                    delayed.add(slot);
                }
                return;
            }
            s.retryAt = 0;
        }
        Unit u;
        String address;
        if (s.askEvents != null) {
            u = build(slot, new ArrayDeque<>(s.askEvents), true);
            address = s.askNode;
            s.askEvents = null;
            s.askNode = null;
        } else {
            u = build(slot, s.pending, false);
            address = owners[slot];
        }
        if (u == null) return;
        if (address == null) {
            refreshSlotMap();
            address = owners[slot];
            if (address == null) throw new IOException("target: slot " + slot + " is not served by any master; assign it (CLUSTER ADDSLOTS) and resume");
        }
        s.inFlight = u;
        inFlight += u.events.size();
        node(address).send(u);
        commandsWritten.inc(u.commands.length);
    }

    /**
     * Takes the next unit off {@code q}: consecutive stream events of one split (MULTI … fence … EXEC), or
     * consecutive snapshot events (plain pipeline). Skips events covered by a key fence.
     */
    private Unit build(int slot, ArrayDeque<RedisEvent> q, boolean asking) throws IOException {
        while (!q.isEmpty()) {
            RedisEvent first = q.peek();
            if (!first.stream()) {
                List<RedisEvent> events = new ArrayList<>();
                List<byte[][]> cmds = new ArrayList<>();
                while (!q.isEmpty() && !q.peek().stream() && events.size() < config.batchCommands()) {
                    RedisEvent e = take(q);
                    events.add(e);
                    cmds.add(snapshotCommand(e));
                }
                return new Unit(slot, false, asking, events, cmds.toArray(new byte[0][][]), cmds.size());
            }
            String split = first.splitId();
            List<RedisEvent> events = new ArrayList<>();
            List<byte[][]> cmds = new ArrayList<>();
            Map<ByteKey, Long> kf = keyFencesOf(split, slot, false);
            List<byte[]> pruned = new ArrayList<>();
            if (kf != null) {
                for (Iterator<Map.Entry<ByteKey, Long>> it = kf.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<ByteKey, Long> e = it.next();
                    if (e.getValue() < first.offset()) {
                        pruned.add(e.getKey().bytes);
                        it.remove();
                    }
                }
            }
            List<byte[]> fenced = new ArrayList<>();
            List<Long> fencedAt = new ArrayList<>();
            while (!q.isEmpty() && q.peek().stream() && q.peek().splitId().equals(split)
                    && cmds.size() < config.batchCommands()) {
                RedisEvent e = take(q);
                if (!e.refresh() && kf != null && !kf.isEmpty()) {
                    List<KeyRef> keys = EventKeys.of(e);
                    boolean covered = false;
                    for (KeyRef k : keys) {
                        Long r = kf.get(new ByteKey(k.key()));
                        if (r != null && e.offset() <= r) covered = true;
                    }
                    if (covered) {
                        if (keys.size() == 1) {
                            replaySkipped.inc();
                            events.add(e); // still part of the unit, for the fence
                            continue;
                        }
                        for (KeyRef k : keys) refreshInto(e, k.sourceDb(), k.key(), slot, cmds, fenced, fencedAt);
                        events.add(e);
                        continue;
                    }
                }
                events.add(e);
                if (e.refresh()) {
                    for (KeyRef k : e.refreshKeys()) refreshInto(e, k.sourceDb(), k.key(), slot, cmds, fenced, fencedAt);
                    kf = keyFencesOf(split, slot, false);
                } else if (e.kind() == RedisEvent.Kind.TRANSACTION) {
                    for (byte[][] c : e.commands()) if (!isSelect(c)) cmds.add(c);
                } else {
                    cmds.add(e.args());
                }
            }
            int eventCommands = cmds.size();
            RedisEvent last = events.get(events.size() - 1);
            cmds.add(new byte[][] {SET, ClusterFences.fenceKey(slot, split), num(last.offset())});
            byte[] kfKey = ClusterFences.keyFenceKey(slot, split);
            if (!pruned.isEmpty()) {
                byte[][] hdel = new byte[pruned.size() + 2][];
                hdel[0] = HDEL;
                hdel[1] = kfKey;
                for (int i = 0; i < pruned.size(); i++) hdel[i + 2] = pruned.get(i);
                cmds.add(hdel);
            }
            for (int i = 0; i < fenced.size(); i++) {
                cmds.add(new byte[][] {HSET, kfKey, fenced.get(i), num(fencedAt.get(i))});
            }
            return new Unit(slot, true, asking, events, cmds.toArray(new byte[0][][]), eventCommands);
        }
        return null;
    }

    private RedisEvent take(ArrayDeque<RedisEvent> q) {
        queued--;
        return q.poll();
    }

    private Map<ByteKey, Long> keyFencesOf(String split, int slot, boolean create) {
        Map<Integer, Map<ByteKey, Long>> bySlot = keyFences.get(split);
        if (bySlot == null) {
            if (!create) return null;
            bySlot = new HashMap<>();
            keyFences.put(split, bySlot);
        }
        Map<ByteKey, Long> m = bySlot.get(slot);
        if (m == null && create) {
            m = new HashMap<>();
            bySlot.put(slot, m);
        }
        return m;
    }

    /**
     * Copies {@code key} from source DB {@code sourceDb} at a known offset R ({@link SourceKeys}); adds RESTORE …
     * REPLACE (or DEL, or for an older target the value as commands) to {@code cmds} and records the key fence R.
     */
    private void refreshInto(RedisEvent e, int sourceDb, byte[] key, int slot, List<byte[][]> cmds, List<byte[]> fenced,
                             List<Long> fencedAt) throws IOException {
        SourceKeys.Copy copy = sources.read(e.splitId(), sourceDb, key, e.offset(), "a cross-slot refresh of '" + e.printableKey() + "'");
        cmds.addAll(SourceKeys.writeCommands(copy, config));
        keyFencesOf(e.splitId(), slot, true).put(new ByteKey(key), copy.offset());
        fenced.add(key);
        fencedAt.add(copy.offset());
        refreshed.inc();
    }

    private byte[][] snapshotCommand(RedisEvent e) {
        if (e.kind() == RedisEvent.Kind.RESTORE) {
            long expireAt = e.expireAtMs();
            if (config.useAbsTtl()) return new byte[][] {RESTORE, e.key(), num(expireAt), e.payload(), REPLACE, ABSTTL};
            long ttl = expireAt == 0 ? 0 : Math.max(1, expireAt - System.currentTimeMillis());
            return new byte[][] {RESTORE, e.key(), num(ttl), e.payload(), REPLACE};
        }
        return e.args();
    }

    // ------------------------------------------------------------------ replies

    /** Handles every finished unit: frees its slot, resends redirected commands, throws on a real error. */
    private void drainDone() throws IOException {
        Unit u;
        while ((u = done.poll()) != null) {
            if (u.loose()) {
                looseDone(u);
                continue;
            }
            SlotState s = slots[u.slot];
            s.inFlight = null;
            inFlight -= u.events.size();
            if (u.error != null) {
                RedisEvent e = u.multi || u.errorIndex < 0 ? u.events.get(0) : u.events.get(u.errorIndex);
                sendErrors.inc();
                throw WriteErrors.rejected(endpoint(u.node.address), e, -1, u.error);
            }
            if (u.redirected()) {
                redirected(u, s);
            } else {
                s.failingSince = 0;
                for (RedisEvent e : u.events) heldBytes -= EventSize.bytes(e);
                if (u.multi) {
                    RedisEvent last = u.events.get(u.events.size() - 1);
                    Progress.SplitProgress p = Progress.of(last.splitId());
                    p.appliedOffset = Math.max(p.appliedOffset, last.offset());
                    p.commandsApplied += u.eventCommands;
                    recordApplied(last.splitId(), u.slot, last.offset());
                }
            }
            trySend(u.slot);
        }
        for (ClusterNode n : nodes.values()) {
            if (n.failure() != null) throw n.failure();
        }
    }

    /**
     * A loose unit answered: each event frees its slot; redirected ones are kept, in order, and go back to the
     * head of their slot's queue once none of the slot's loose events is in flight (the slot path then follows
     * the redirect like any other).
     */
    private void looseDone(Unit u) throws IOException {
        inFlight -= u.events.size();
        if (u.error != null) {
            sendErrors.inc();
            throw WriteErrors.rejected(endpoint(u.node.address), u.events.get(Math.max(0, u.errorIndex)), -1, u.error);
        }
        long now = 0;
        for (int i = 0; i < u.events.size(); i++) {
            RedisEvent e = u.events.get(i);
            int slot = e.slot();
            SlotState s = slots[slot];
            String cause = u.redirects[i];
            if (cause == null) heldBytes -= EventSize.bytes(e);
            if (cause != null) {
                redirects.inc();
                if (now == 0) now = System.currentTimeMillis();
                if (s.failingSince == 0) s.failingSince = now;
                if (s.looseRedo == null) s.looseRedo = new ArrayList<>();
                s.looseRedo.add(e);
                String[] parts = cause.split(" ");
                if ("MOVED".equals(parts[0])) {
                    owners[Integer.parseInt(parts[1])] = parts[2];
                    endpoint(parts[2]);
                } else if (!"ASK".equals(parts[0])) { // TRYAGAIN, CLUSTERDOWN
                    s.retryAt = now + RETRY_PAUSE_MS;
                    retries.inc();
                    if ("CLUSTERDOWN".equals(parts[0])) refreshSlotMap();
                }
            }
            if (--s.looseInFlight == 0) {
                s.looseNode = null;
                if (s.looseRedo != null) {
                    requeue(s, s.looseRedo);
                    s.looseRedo = null;
                }
                trySend(slot);
            }
        }
    }

    private void redirected(Unit u, SlotState s) throws IOException {
        redirects.inc();
        long now = System.currentTimeMillis();
        if (s.failingSince == 0) s.failingSince = now;
        String cause = null;
        List<RedisEvent> again = new ArrayList<>();
        if (u.multi) {
            again.addAll(u.events);
            cause = u.redirects[0];
        } else {
            for (int i = 0; i < u.events.size(); i++) {
                if (u.redirects[i] != null) {
                    again.add(u.events.get(i));
                    if (cause == null) cause = u.redirects[i];
                } else {
                    heldBytes -= EventSize.bytes(u.events.get(i)); // applied
                }
            }
        }
        if (now - s.failingSince > config.replyTimeoutMs()) {
            throw new IOException("target: slot " + u.slot + " still redirected after " + config.replyTimeoutMs()
                    + " ms (" + cause + "); check the cluster's state (CLUSTER INFO, slots stuck MIGRATING/IMPORTING)");
        }
        String[] parts = cause.split(" ");
        switch (parts[0]) {
            case "MOVED":
                owners[Integer.parseInt(parts[1])] = parts[2];
                endpoint(parts[2]);
                requeue(s, again);
                break;
            case "ASK":
                if (u.asking) { // asked again: wait for the migration to settle
                    requeue(s, again);
                    s.retryAt = now + RETRY_PAUSE_MS;
                    retries.inc();
                } else {
                    s.askNode = parts[2];
                    endpoint(parts[2]);
                    s.askEvents = again; // counted as queued until sent
                    queued += again.size();
                }
                break;
            default: // TRYAGAIN, CLUSTERDOWN: the same owner, after a pause; the map may have changed meanwhile
                requeue(s, again);
                s.retryAt = now + RETRY_PAUSE_MS;
                    retries.inc();
                if ("CLUSTERDOWN".equals(parts[0])) refreshSlotMap();
                break;
        }
    }

    private void requeue(SlotState s, List<RedisEvent> again) {
        for (int i = again.size() - 1; i >= 0; i--) s.pending.addFirst(again.get(i));
        queued += again.size();
    }

    private void retryDelayed() throws IOException {
        int n = delayed.size();
        for (int i = 0; i < n; i++) {
            int slot = delayed.poll();
            slots[slot].isDelayed = false;
            trySend(slot);
        }
    }

    private void flushNodes() throws IOException {
        for (ClusterNode n : nodes.values()) n.flush();
    }

    private void awaitProgress() throws IOException, InterruptedException {
        flushNodes();
        if (done.isEmpty()) LockSupport.parkNanos(1_000_000L);
        if (Thread.interrupted()) throw new InterruptedException();
        drainDone();
        retryDelayed();
    }

    /** Sends and waits until every queued event is answered. */
    private void drainAll() throws IOException, InterruptedException {
        drainDone();
        retryDelayed();
        while (queued + inFlight > 0) awaitProgress();
    }

    /** Waits as --full-rps/--incr-rps/…-mbps demand, after sending what is buffered. */
    private void pace(RedisEvent event) throws IOException, InterruptedException {
        if (throttle == null) return;
        long wait = throttle.delayNanos(event, System.nanoTime());
        if (wait <= 0) return;
        flushNodes();
        throttledMs.inc(wait / 1_000_000);
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        drainDone();
    }

    /** Bytes of events accepted and not yet applied (tests check the bound). */
    long heldBytes() {
        return heldBytes;
    }


    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        drainAll();
    }

    private void recordApplied(String split, int slot, long offset) {
        long[] f = applied.computeIfAbsent(split, s -> ClusterFences.newFences());
        f[slot] = Math.max(f[slot], offset);
    }

    /** The fences applied so far (answered: {@link #flush} ran before), and those carried from the restored state. */
    @Override
    public List<AppliedFences> snapshotState(long checkpointId) {
        Map<String, Map<Integer, Long>> m = new HashMap<>();
        applied.forEach((split, f) -> {
            Map<Integer, Long> slots = new HashMap<>();
            for (int slot = 0; slot < f.length; slot++) if (f[slot] >= 0) slots.put(slot, f[slot]);
            if (!slots.isEmpty()) m.put(split, slots);
        });
        return List.of(new AppliedFences(m));
    }

    @Override
    public void close() throws Exception {
        idleFlush.close();
        for (ClusterNode n : nodes.values()) n.close();
        sources.close();
    }

    private static boolean isFlush(RedisEvent e) {
        if (e.kind() != RedisEvent.Kind.COMMAND || e.refresh()) return false;
        String n = CommandTable.name(e.args());
        return n.equals("FLUSHALL") || n.equals("FLUSHDB");
    }

    private static boolean isSelect(byte[][] c) {
        return c.length == 2 && new String(c[0], StandardCharsets.US_ASCII).equalsIgnoreCase("SELECT");
    }

    private static long maxOf(java.util.function.ToLongFunction<Progress.SplitProgress> f) {
        long max = -1;
        for (Progress.SplitProgress p : Progress.all().values()) max = Math.max(max, f.applyAsLong(p));
        return max;
    }

    private static byte[] num(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
