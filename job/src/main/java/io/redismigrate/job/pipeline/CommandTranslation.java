package io.redismigrate.job.pipeline;

import io.redismigrate.connector.command.CommandDialect;
import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.rdb.TargetCannotStoreException;
import io.redismigrate.connector.resp.ServerInfo;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * The stream phase into an older target: every replicated command (and each command of a MULTI/EXEC) as the target
 * can apply it ({@link CommandDialect}), after the scope step (so it sees --db-map's DBs and --ttl-extend's PXAT/PX
 * forms) and before cluster routing. One event in, one event out: its offset, and so the sink's fence, is unchanged.
 * A form without an equivalent stops the job ({@link TargetCannotStoreException}, not retried). Snapshot events
 * pass untouched (the snapshot path decodes for the target itself). Counted in the metric {@code commandsTranslated}.
 */
public final class CommandTranslation extends RichMapFunction<RedisEvent, RedisEvent> {
    private static final long serialVersionUID = 1L;

    private final ServerInfo target;
    private transient CommandDialect dialect;
    private transient Counter translated;

    public CommandTranslation(ServerInfo target) {
        this.target = target;
    }

    /** Whether {@code target} needs the step at all (a target with every form gets no operator). */
    public static boolean needed(ServerInfo target) {
        return !CommandDialect.forTarget(target).identity();
    }

    @Override
    public void open(OpenContext context) {
        dialect = CommandDialect.forTarget(target);
        translated = getRuntimeContext().getMetricGroup().counter("commandsTranslated");
    }

    @Override
    public RedisEvent map(RedisEvent e) throws TargetCannotStoreException {
        if (dialect == null) dialect = CommandDialect.forTarget(target); // used without open() in tests
        RedisEvent out = apply(dialect, e);
        if (out != e && translated != null) translated.inc();
        return out;
    }

    /** {@code e} itself when nothing changes. */
    static RedisEvent apply(CommandDialect dialect, RedisEvent e) throws TargetCannotStoreException {
        if (!e.stream() || e.refresh()) return e;
        try {
            if (e.kind() == RedisEvent.Kind.TRANSACTION) {
                byte[][][] c = dialect.translate(e.commands());
                return c == e.commands() ? e : e.withCommands(c);
            }
            if (e.kind() != RedisEvent.Kind.COMMAND || e.args() == null) return e;
            byte[][] a = dialect.translate(e.args());
            return a == e.args() ? e : e.withArgs(a);
        } catch (TargetCannotStoreException x) {
            throw new TargetCannotStoreException(x.getMessage() + " at source offset " + e.offset() + " (db " + e.sourceDb()
                    + ", key " + e.printableKey() + ")");
        }
    }
}
