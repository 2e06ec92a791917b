package io.redismigrate.job.pipeline;

import io.redismigrate.connector.command.CommandSpec;
import io.redismigrate.connector.command.CommandTable;
import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.job.MigrationOptions;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;

/**
 * The scope and mapping step between source and sink: drops snapshot keys of DBs out of --db scope, outside the
 * prefix filters and the tool's own keys, renumbers DBs per --db-map, decides every stream command on all of its
 * keys and DBs ({@link StreamScope}), adds --ttl-extend to TTLs, and counts the keys and bytes of this run's
 * snapshot in scope for the summary (accumulators {@value #KEYS} and {@value #BYTES}; 0 in a run that resumed
 * the stream).
 */
public final class EventScope extends RichFlatMapFunction<RedisEvent, RedisEvent> {
    private static final long serialVersionUID = 1L;
    public static final String KEYS = "keys";
    public static final String BYTES = "bytes";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EventScope.class);

    private final MigrationOptions options;
    private final long ttlExtendMs;
    private final boolean targetHasFunctions;
    private final StreamScope stream;
    private transient LongCounter keys;
    private transient LongCounter bytes;
    private transient Counter filtered;

    public EventScope(MigrationOptions options) {
        this(options, false);
    }

    /** @param targetHasFunctions whether the destination has functions (Redis ≥ 7.0), emptied on a new snapshot */
    public EventScope(MigrationOptions options, boolean targetHasFunctions) {
        this(options, targetHasFunctions, false);
    }

    /** @param clusterTarget whether the destination is a Redis Cluster (only DB 0; no FLUSH inside MULTI/EXEC) */
    public EventScope(MigrationOptions options, boolean targetHasFunctions, boolean clusterTarget) {
        this.options = options;
        this.stream = new StreamScope(options, clusterTarget);
        this.targetHasFunctions = targetHasFunctions;
        this.ttlExtendMs = TtlExtension.shiftMs(options); // --ttl-extend + --ttl-margin (with a stream phase)
    }

    @Override
    public void open(OpenContext context) {
        keys = new LongCounter();
        bytes = new LongCounter();
        getRuntimeContext().addAccumulator(KEYS, keys);
        getRuntimeContext().addAccumulator(BYTES, bytes);
        filtered = getRuntimeContext().getMetricGroup().counter("eventsFiltered");
    }

    @Override
    public void flatMap(RedisEvent e, Collector<RedisEvent> out) {
        if (e.kind() == RedisEvent.Kind.CONTROL) {
            if (RedisEvent.SNAPSHOT_START.equals(e.controlType()) && "1".equals(e.controlValue(2))) {
                for (RedisEvent flush : resyncCleanup(e)) out.collect(flush);
            }
            out.collect(e);
            return;
        }
        if (e.stream() && !e.refresh()) {
            // per command, on every key and DB it names (StreamScope)
            RedisEvent scoped = stream.apply(e);
            if (scoped == null) {
                filtered.inc();
                return;
            }
            if (ttlExtendMs != 0) scoped = extendTtl(scoped);
            out.collect(scoped); // the accumulators count this run's snapshot only; the stream has its metrics
            return;
        }
        if (e.kind() == RedisEvent.Kind.COMMAND && e.key() == null && e.args() != null
                && CommandTable.of(e.args()[0]).kind() == CommandSpec.Kind.SERVER) {
            out.collect(e); // function libraries and scripts of the snapshot are server-wide: kept in every scope
            return;
        }
        if (!options.dbInScope(e.db())) {
            filtered.inc();
            return;
        }
        byte[] key = e.key();
        if (key != null && (!options.keyInScope(key) || options.isToolKey(key))) {
            filtered.inc();
            return;
        }
        int db = options.targetDb(e.db());
        if (db != e.db()) e = e.withDb(db);
        if (ttlExtendMs != 0) e = extendTtl(e);
        if (e.keyStart()) keys.add(1);
        bytes.add(size(e));
        out.collect(e);
    }

    /**
     * A snapshot taken again (the stream could not be continued, or a snapshot was interrupted) must not leave
     * keys behind that the source deleted meanwhile: the DBs in scope are emptied first (the sink deletes only what
     * the migration owns: with prefix filters the target's other keys stay). With the whole keyspace in scope the
     * function libraries are emptied too (the snapshot loads them all again).
     */
    private java.util.List<RedisEvent> resyncCleanup(RedisEvent control) {
        if (options.conflict() == MigrationOptions.Conflict.OVERWRITE) {
            throw new java.io.UncheckedIOException(new ResyncNeedsCleanupException("source split " + control.splitId()
                    + " needs a new snapshot (its replication stream could not be continued), which must empty the"
                    + " target DBs in scope first; with --conflict overwrite they may hold keys this migration does not"
                    + " own, so nothing was deleted and the job stopped. Choose: empty the target DBs in scope yourself"
                    + " and start a new migration, or start a new migration (no savepoint) with --conflict overwrite,"
                    + " accepting that keys the source deleted meanwhile may stay on the target"));
        }
        java.util.List<RedisEvent> out = new java.util.ArrayList<>();
        String slots = control.args().length > 3 ? control.controlValue(3) : "";
        if (!slots.isEmpty()) {
            // a cluster shard: only its own slots (its keys live in DB 0); the other shards' keys must stay
            if (!options.dbInScope(0)) return out;
            try {
                long n = SlotCleanup.run(options, slots, options.targetDb(0));
                LOG.info("{}: taking a new snapshot of the shard: removed {} keys of slots {} from the target first",
                        control.splitId(), n, slots);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return out;
        }
        boolean prefixes = !options.includePrefixes().isEmpty() || !options.excludePrefixes().isEmpty();
        if (options.dbs().isEmpty()) {
            // the sink removes what the migration owns (KeyScope: DBs after --db-map, prefix filters)
            out.add(RedisEvent.command(control.splitId(), control.offset(), 0, null, new byte[][] {b("FLUSHALL")}));
            // the snapshot carries every function library; FLUSHALL leaves libraries the source deleted meanwhile
            if (targetHasFunctions && !prefixes && options.dbMap().isEmpty()) {
                out.add(RedisEvent.command(control.splitId(), control.offset(), 0, null, new byte[][] {b("FUNCTION"), b("FLUSH")}));
            }
        } else {
            for (int db : options.dbs()) {
                out.add(RedisEvent.command(control.splitId(), control.offset(), options.targetDb(db), null, new byte[][] {b("FLUSHDB")}));
            }
        }
        LOG.info("taking a new snapshot: emptying the target DBs in scope first{}", prefixes ? " (the keys passing the prefix filters)" : "");
        return out;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private RedisEvent extendTtl(RedisEvent e) {
        if (e.kind() == RedisEvent.Kind.RESTORE) {
            return e.expireAtMs() == 0 ? e : e.withExpireAt(e.expireAtMs() + ttlExtendMs);
        }
        if (e.kind() == RedisEvent.Kind.TRANSACTION) {
            byte[][][] cmds = e.commands();
            byte[][][] out = null;
            for (int i = 0; i < cmds.length; i++) {
                byte[][] c = TtlExtension.apply(cmds[i], ttlExtendMs);
                if (c != cmds[i]) {
                    if (out == null) out = cmds.clone();
                    out[i] = c;
                }
            }
            return out == null ? e : e.withCommands(out);
        }
        if (e.args() == null) return e;
        byte[][] a = TtlExtension.apply(e.args(), ttlExtendMs);
        return a == e.args() ? e : e.withArgs(a);
    }

    private static long size(RedisEvent e) {
        long n = e.key() == null ? 0 : e.key().length;
        if (e.payload() != null) n += e.payload().length;
        if (e.args() != null) for (byte[] a : e.args()) n += a.length;
        return n;
    }
}
