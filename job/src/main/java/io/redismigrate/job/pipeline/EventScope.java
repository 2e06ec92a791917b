package io.redismigrate.job.pipeline;

import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.job.MigrationOptions;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The scope and mapping step between source and sink: drops DBs out of --db scope, keys outside the prefix
 * filters and the tool's own heartbeat keys, renumbers DBs per --db-map, adds --ttl-extend to snapshot TTLs, and
 * counts keys and bytes for the summary (accumulators {@value #KEYS} and {@value #BYTES}).
 */
public final class EventScope extends RichFlatMapFunction<RedisEvent, RedisEvent> {
    private static final long serialVersionUID = 1L;
    public static final String KEYS = "keys";
    public static final String BYTES = "bytes";
    private static final byte[] PEXPIREAT = "PEXPIREAT".getBytes(StandardCharsets.US_ASCII);

    private final MigrationOptions options;
    private final long ttlExtendMs;
    private transient LongCounter keys;
    private transient LongCounter bytes;
    private transient Counter filtered;

    public EventScope(MigrationOptions options) {
        this.options = options;
        this.ttlExtendMs = options.ttlExtend() == null ? 0 : options.ttlExtend().toMillis();
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
        if (!options.dbInScope(e.db())) {
            filtered.inc();
            return;
        }
        byte[] key = e.key();
        if (key != null && (!options.keyInScope(key) || options.isHeartbeatKey(key))) {
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

    private RedisEvent extendTtl(RedisEvent e) {
        if (e.kind() == RedisEvent.Kind.RESTORE) {
            return e.expireAtMs() == 0 ? e : e.withExpireAt(e.expireAtMs() + ttlExtendMs);
        }
        byte[][] a = e.args();
        if (a.length == 3 && Arrays.equals(a[0], PEXPIREAT)) {
            long at = Long.parseLong(new String(a[2], StandardCharsets.US_ASCII));
            return e.withArgs(new byte[][] {a[0], a[1], Long.toString(at + ttlExtendMs).getBytes(StandardCharsets.US_ASCII)});
        }
        return e;
    }

    private static long size(RedisEvent e) {
        long n = e.key() == null ? 0 : e.key().length;
        if (e.payload() != null) n += e.payload().length;
        if (e.args() != null) for (byte[] a : e.args()) n += a.length;
        return n;
    }
}
