package io.redismigrate.job.pipeline;

import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.job.MigrationOptions;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;

/**
 * The scope and mapping step between source and sink: drops DBs out of --db scope, keys outside the prefix
 * filters and the tool's own heartbeat keys, renumbers DBs per --db-map, adds --ttl-extend to snapshot TTLs, and
 * counts keys and bytes for the summary (accumulators {@value #KEYS} and {@value #BYTES}).
 */
public final class EventScope extends RichFlatMapFunction<RedisEvent, RedisEvent> {
    private static final long serialVersionUID = 1L;
    public static final String KEYS = "keys";
    public static final String BYTES = "bytes";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EventScope.class);

    private final MigrationOptions options;
    private final long ttlExtendMs;
    private final boolean targetHasFunctions;
    private transient LongCounter keys;
    private transient LongCounter bytes;
    private transient Counter filtered;

    public EventScope(MigrationOptions options) {
        this(options, false);
    }

    /** @param targetHasFunctions whether the destination has functions (Redis ≥ 7.0), emptied on a new snapshot */
    public EventScope(MigrationOptions options, boolean targetHasFunctions) {
        this.options = options;
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
        if (e.kind() == RedisEvent.Kind.TRANSACTION) {
            e = scopeTransaction(e);
            if (e == null) {
                filtered.inc();
                return;
            }
            out.collect(e);
            return;
        }
        if (e.stream() && e.key() == null && e.kind() == RedisEvent.Kind.COMMAND && isFlushAll(e.args())) {
            // whatever DB the source client had selected: the sink deletes only what the migration owns (KeyScope)
            out.collect(e.db() == 0 ? e : e.withDb(0));
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
        if (e.stream() && e.kind() == RedisEvent.Kind.COMMAND) {
            e = mapDbArguments(e);
            if (e == null) {
                filtered.inc();
                return;
            }
        }
        int db = options.targetDb(e.db());
        if (db != e.db()) e = e.withDb(db);
        if (ttlExtendMs != 0) e = extendTtl(e);
        if (e.keyStart()) keys.add(1);
        bytes.add(size(e));
        out.collect(e);
    }

    private static boolean isFlushAll(byte[][] args) {
        return args != null && args.length >= 1 && new String(args[0], java.nio.charset.StandardCharsets.US_ASCII).equalsIgnoreCase("FLUSHALL");
    }

    /**
     * A snapshot taken again (the stream could not be continued, or a snapshot was interrupted) must not leave
     * keys behind that the source deleted meanwhile: the DBs in scope are emptied first (the sink deletes only what
     * the migration owns: with prefix filters the target's other keys stay). With the whole keyspace in scope the
     * function libraries are emptied too (the snapshot loads them all again).
     */
    private java.util.List<RedisEvent> resyncCleanup(RedisEvent control) {
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

    /** Maps the DB of a transaction and of the SELECTs inside it; drops it when its DB is out of scope. */
    private RedisEvent scopeTransaction(RedisEvent e) {
        if (!options.dbInScope(e.db())) return null;
        if (e.key() != null && (!options.keyInScope(e.key()) || options.isToolKey(e.key()))) return null;
        byte[][][] cmds = e.commands();
        byte[][][] mapped = null;
        for (int i = 0; i < cmds.length; i++) {
            byte[][] c = cmds[i];
            if (c.length == 2 && new String(c[0], StandardCharsets.US_ASCII).equalsIgnoreCase("SELECT")) {
                int db = Integer.parseInt(new String(c[1], StandardCharsets.US_ASCII));
                int to = options.targetDb(db);
                if (to != db) {
                    if (mapped == null) mapped = cmds.clone();
                    mapped[i] = new byte[][] {c[0], Integer.toString(to).getBytes(StandardCharsets.US_ASCII)};
                }
            }
        }
        if (mapped != null) e = e.withCommands(mapped);
        if (ttlExtendMs != 0) e = extendTtl(e);
        int db = options.targetDb(e.db());
        return db != e.db() ? e.withDb(db) : e;
    }

    /**
     * Stream commands that name DBs in their arguments (MOVE key db, COPY … DB db, SWAPDB a b) follow --db-map;
     * PUBLISH is dropped with --publish off.
     */
    private RedisEvent mapDbArguments(RedisEvent e) {
        byte[][] a = e.args();
        String name = new String(a[0], StandardCharsets.US_ASCII).toUpperCase();
        switch (name) {
            case "PUBLISH":
            case "SPUBLISH":
                return options.forwardPublish() ? e : null;
            case "MOVE":
                return a.length == 3 ? withArg(e, 2, options.targetDb(parse(a[2]))) : e;
            case "SWAPDB":
                if (a.length != 3) return e;
                return withArg(withArg(e, 1, options.targetDb(parse(a[1]))), 2, options.targetDb(parse(a[2])));
            case "COPY":
                for (int i = 3; i + 1 < a.length; i++) {
                    if (new String(a[i], StandardCharsets.US_ASCII).equalsIgnoreCase("DB")) {
                        return withArg(e, i + 1, options.targetDb(parse(a[i + 1])));
                    }
                }
                return e;
            default:
                return e;
        }
    }

    private static int parse(byte[] b) {
        return Integer.parseInt(new String(b, StandardCharsets.US_ASCII));
    }

    private static RedisEvent withArg(RedisEvent e, int i, int value) {
        byte[][] a = e.args().clone();
        byte[] v = Integer.toString(value).getBytes(StandardCharsets.US_ASCII);
        if (java.util.Arrays.equals(a[i], v)) return e;
        a[i] = v;
        return e.withArgs(a);
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
