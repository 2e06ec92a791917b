package io.redismigrate.job.pipeline;

import io.redismigrate.connector.command.CommandSpec;
import io.redismigrate.connector.command.CommandTable;
import io.redismigrate.connector.event.KeyRef;
import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.event.SlotTags;
import io.redismigrate.connector.event.Slots;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes every event single-slot for a cluster destination (before {@code keyBy(slot)}):
 * <ul>
 *   <li>MSET, MSETNX (replicated only when it succeeded, so every key was absent), DEL, UNLINK, TOUCH whose keys
 *       span slots: one command per slot with that slot's keys (same result);</li>
 *   <li>other commands and MULTI/EXEC blocks (also replicated script effects) spanning slots: one
 *       {@link RedisEvent#refresh refresh} event per slot naming the keys they touch there; the sink copies those
 *       keys from the source at a known offset (exact, see ClusterSinkWriter);</li>
 *   <li>FLUSHALL/FLUSHDB and the control events (SNAPSHOT_START, STREAM_START, HEARTBEAT): one copy per sink
 *       subtask (routed by a key of one of its slots), so each subtask handles the slots it writes, in order with
 *       their other writes, and measures the lag of what it writes;</li>
 *   <li>SPUBLISH (alone or in a MULTI/EXEC): keyed by its channel, so it goes with that slot (the sink fences it in
 *       the slot's unit); other keyless commands (FUNCTION, SCRIPT, PUBLISH) keep no key and go with slot 0
 *       ({@link RedisEvent#routingSlot()}), where the sink fences them in slot 0's unit.</li>
 * </ul>
 * Counted in the metrics {@code crossSlotCommandsSplit} and {@code crossSlotCommandsRefreshed}.
 */
public final class ClusterRouting extends RichFlatMapFunction<RedisEvent, RedisEvent> {
    private static final long serialVersionUID = 1L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusterRouting.class);

    private final int sinkParallelism;
    private final int sinkMaxParallelism;
    private transient byte[][] subtaskKeys;
    private transient Counter split;
    private transient Counter refreshed;
    private transient java.util.Set<String> logged;

    public ClusterRouting(int sinkParallelism, int sinkMaxParallelism) {
        this.sinkParallelism = sinkParallelism;
        this.sinkMaxParallelism = sinkMaxParallelism;
    }

    @Override
    public void open(OpenContext context) {
        subtaskKeys = new byte[sinkParallelism][];
        for (int slot = 0, found = 0; slot < Slots.SLOT_COUNT && found < sinkParallelism; slot++) {
            int t = KeyGroupRangeAssignment.assignKeyToParallelOperator(slot, sinkMaxParallelism, sinkParallelism);
            if (subtaskKeys[t] == null) {
                subtaskKeys[t] = SlotTags.routingKey(slot);
                found++;
            }
        }
        split = getRuntimeContext().getMetricGroup().counter("crossSlotCommandsSplit");
        refreshed = getRuntimeContext().getMetricGroup().counter("crossSlotCommandsRefreshed");
        logged = new java.util.HashSet<>();
    }

    @Override
    public void flatMap(RedisEvent e, Collector<RedisEvent> out) {
        if (e.kind() == RedisEvent.Kind.CONTROL) {
            // every writer subtask learns where each split stands (phase, lag: see docs/metrics.md)
            broadcast(e, out);
            return;
        }
        checkDb0(e);
        if (e.kind() == RedisEvent.Kind.COMMAND && e.key() == null) {
            String name = CommandTable.name(e.args());
            if (name.equals("FLUSHALL") || name.equals("FLUSHDB")) {
                broadcast(e, out);
                return;
            }
            // SPUBLISH: routed by its channel's slot (CommandTable names the channel), fenced there by the sink;
            // other keyless commands (FUNCTION, SCRIPT, PUBLISH) keep key null: slot 0, fenced in slot 0's unit
            List<byte[]> keys = e.stream() ? CommandTable.keys(e.args()) : List.of();
            out.collect(keys.isEmpty() ? e : e.withKey(keys.get(0)));
            return;
        }
        if (e.refresh()) {
            refreshPerSlot(e, e.refreshKeys(), out);
            return;
        }
        if (!e.stream()) {
            out.collect(e);
            return;
        }
        List<byte[]> keys;
        if (e.kind() == RedisEvent.Kind.TRANSACTION) {
            keys = new ArrayList<>();
            for (byte[][] c : e.commands()) keys.addAll(CommandTable.keys(c));
        } else {
            keys = CommandTable.keys(e.args());
        }
        if (Slots.commonSlot(keys) != -2) {
            // a MULTI/EXEC with only SPUBLISH of one slot (and keyless commands): routed by the channel's slot
            out.collect(e.key() == null && !keys.isEmpty() ? e.withKey(keys.get(0)) : e);
            return;
        }
        String name = e.kind() == RedisEvent.Kind.TRANSACTION ? "MULTI/EXEC" : CommandTable.name(e.args());
        switch (name) {
            case "MSET":
            case "MSETNX":
                splitPairs(e, out);
                return;
            case "DEL":
            case "UNLINK":
            case "TOUCH":
                splitKeys(e, keys, out);
                return;
            default:
                refreshPerSlot(e, writtenKeys(e), out);
                refreshed.inc();
                note(e, name, "its keys are copied from the source");
        }
    }

    /** Every event must write DB 0, the only DB of a cluster (also each command of a transaction, and each refreshed key). */
    private static void checkDb0(RedisEvent e) {
        int db = e.db();
        if (db == 0 && e.kind() == RedisEvent.Kind.TRANSACTION) {
            for (byte[][] c : e.commands()) {
                if (c.length == 2 && CommandTable.isWord(c[0], SELECT)) db = Math.max(db, (int) CommandTable.parseLong(c[1]));
            }
        }
        if (db == 0 && e.refresh()) for (KeyRef k : e.refreshKeys()) db = Math.max(db, k.targetDb());
        if (db != 0) {
            throw new ScopeException("writes to db" + db + " (from source db" + e.sourceDb() + ") reached the cluster target,"
                    + " which has only DB 0; restart with --db-map " + e.sourceDb() + ":0 to merge it into DB 0, or --db 0"
                    + " to leave it out");
        }
    }

    /** The keys an event writes, with the source DB each was written in (the cluster target has only DB 0). */
    private static List<KeyRef> writtenKeys(RedisEvent e) {
        List<KeyRef> out = new ArrayList<>();
        if (e.kind() == RedisEvent.Kind.TRANSACTION) {
            byte[][][] cmds = e.commands();
            for (int i = 0; i < cmds.length; i++) addWritten(cmds[i], e.sourceDb(i), out);
        } else {
            addWritten(e.args(), e.sourceDb(), out);
        }
        return out;
    }

    private static void addWritten(byte[][] c, int sourceDb, List<KeyRef> out) {
        CommandSpec spec = CommandTable.of(c[0]);
        int[] idx = spec.keyIndexes(c);
        for (int i = 0; i < idx.length; i++) {
            if (spec.writesKey(i, idx.length)) {
                KeyRef k = new KeyRef(sourceDb, 0, c[idx[i]]);
                if (!out.contains(k)) out.add(k);
            }
        }
    }

    private void broadcast(RedisEvent e, Collector<RedisEvent> out) {
        for (byte[] k : subtaskKeys) out.collect(e.withKey(k));
    }

    private void splitPairs(RedisEvent e, Collector<RedisEvent> out) {
        byte[][] a = e.args();
        Map<Integer, List<byte[]>> bySlot = new LinkedHashMap<>();
        for (int i = 1; i + 1 < a.length; i += 2) {
            List<byte[]> l = bySlot.computeIfAbsent(Slots.slot(a[i]), s -> new ArrayList<>());
            l.add(a[i]);
            l.add(a[i + 1]);
        }
        for (List<byte[]> l : bySlot.values()) {
            byte[][] args = new byte[l.size() + 1][];
            args[0] = MSET;
            for (int i = 0; i < l.size(); i++) args[i + 1] = l.get(i);
            out.collect(e.withKeyAndArgs(l.get(0), args));
        }
        split.inc();
        note(e, "MSET", "split per slot");
    }

    private void splitKeys(RedisEvent e, List<byte[]> keys, Collector<RedisEvent> out) {
        for (List<byte[]> l : bySlot(keys).values()) {
            byte[][] args = new byte[l.size() + 1][];
            args[0] = e.args()[0];
            for (int i = 0; i < l.size(); i++) args[i + 1] = l.get(i);
            out.collect(e.withKeyAndArgs(l.get(0), args));
        }
        split.inc();
        note(e, CommandTable.name(e.args()), "split per slot");
    }

    /** One refresh event per slot with the keys of that slot (a slot's fence then covers its whole share). */
    private static void refreshPerSlot(RedisEvent e, List<KeyRef> keys, Collector<RedisEvent> out) {
        Map<Integer, List<KeyRef>> bySlot = new LinkedHashMap<>();
        for (KeyRef k : keys) bySlot.computeIfAbsent(Slots.slot(k.key()), s -> new ArrayList<>()).add(k);
        for (List<KeyRef> l : bySlot.values()) out.collect(RedisEvent.refresh(e.splitId(), e.offset(), l));
    }

    private void note(RedisEvent e, String name, String what) {
        if (logged.add(name)) {
            LOG.info("cross-slot {} at offset {}: {} (counted in crossSlotCommandsSplit/crossSlotCommandsRefreshed; "
                    + "logged once per command)", name, e.offset(), what);
        }
    }

    private static Map<Integer, List<byte[]>> bySlot(List<byte[]> keys) {
        Map<Integer, List<byte[]>> m = new LinkedHashMap<>();
        for (byte[] k : keys) m.computeIfAbsent(Slots.slot(k), s -> new ArrayList<>()).add(k);
        return m;
    }

    private static final byte[] MSET = "MSET".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);
}
