package io.redismigrate.job.pipeline;

import io.redismigrate.connector.command.CommandSpec;
import io.redismigrate.connector.command.CommandTable;
import io.redismigrate.connector.event.KeyRef;
import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.job.MigrationOptions;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scope rules of the stream phase (--db, --db-map, prefix filters), decided per command on every key and DB
 * it names, also for each command of a transaction (which may change DB inside MULTI/EXEC on Redis ≥ 7.2):
 * <ul>
 *   <li>everything it writes and reads in scope → applied, DBs mapped (the DB it runs in and DB arguments);</li>
 *   <li>nothing it writes in scope → dropped;</li>
 *   <li>mixed (a command crossing the scope's edge: RENAME tmp:x user:1, SUNIONSTORE of out-of-scope sets, MOVE
 *       or COPY … DB between DBs in and out of scope) → where a rewrite is provably exact it is applied rewritten
 *       (MOVE out of scope = DEL), otherwise its in-scope written keys are refreshed from the source
 *       ({@link RedisEvent#refresh}: value and TTL read with the source's offset, fenced in the sink);</li>
 *   <li>a transaction with any refreshed command is refreshed whole (every in-scope key it writes), since its
 *       other commands may have read what the refresh copies;</li>
 *   <li>what can be neither applied exactly nor refreshed stops the run with one line ({@link ScopeException}):
 *       SWAPDB across the edge, a FLUSHDB or SWAPDB of a DB that --db-map merges with another, a FLUSHALL/FLUSHDB
 *       inside MULTI/EXEC under a restricted scope or into a cluster, an unknown command under prefix filters.</li>
 * </ul>
 * Functions and scripts (FUNCTION, SCRIPT) are server-wide and always applied; PUBLISH follows --publish.
 */
final class StreamScope implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final byte[] SELECT = ascii("SELECT");
    private static final byte[] MOVE = ascii("MOVE");
    private static final byte[] DEL = ascii("DEL");
    private static final byte[] SWAPDB = ascii("SWAPDB");
    private static final byte[] DB = ascii("DB");

    private final MigrationOptions options;
    private final boolean clusterTarget;
    private final boolean prefixes;

    StreamScope(MigrationOptions options, boolean clusterTarget) {
        this.options = options;
        this.clusterTarget = clusterTarget;
        this.prefixes = !options.includePrefixes().isEmpty() || !options.excludePrefixes().isEmpty();
    }

    /** The event the target receives for a stream COMMAND or TRANSACTION read in its source DB, or null (dropped). */
    RedisEvent apply(RedisEvent e) {
        if (e.kind() == RedisEvent.Kind.TRANSACTION) return transaction(e);
        Decision d = decide(e.args(), e.sourceDb(), e);
        switch (d.type) {
            case DROP:
                return null;
            case REFRESH:
                return RedisEvent.refresh(e.splitId(), e.offset(), new ArrayList<>(d.refresh));
            default:
                RedisEvent out = d.args == e.args() ? e : e.withKeyAndArgs(CommandTable.firstKey(d.args), d.args);
                return out.db() == d.targetDb ? out : out.withDb(d.targetDb);
        }
    }

    private RedisEvent transaction(RedisEvent e) {
        byte[][][] cmds = e.commands();
        List<byte[][]> out = new ArrayList<>(cmds.length);
        List<Integer> outSource = new ArrayList<>(cmds.length);
        Set<KeyRef> refresh = new LinkedHashSet<>();
        Set<KeyRef> appliedWrites = new LinkedHashSet<>();
        String notRefreshable = null;
        boolean anyRefresh = false;
        int db = e.sourceDb();
        int first = -1;
        int current = -1;
        byte[] key = null;
        for (byte[][] c : cmds) {
            CommandSpec spec = CommandTable.of(c[0]);
            if (spec.kind() == CommandSpec.Kind.CONTROL) {
                if (c.length == 2 && CommandTable.name(c).equals("SELECT")) db = parseDb(c[1], c, e);
                continue;
            }
            if (spec.kind() == CommandSpec.Kind.DB_WIDE && !CommandTable.name(c).equals("SWAPDB") && flushRestricted(e)) {
                throw new ScopeException(CommandTable.name(c) + " inside MULTI/EXEC at offset " + e.offset() + " of "
                        + e.splitId() + ": with " + restriction() + " the target can only apply it outside a transaction;"
                        + " way out: run without those options, or start the migration again from a new snapshot");
            }
            Decision d = decide(c, db, e);
            if (d.type == Type.DROP) continue;
            if (d.type == Type.REFRESH) {
                anyRefresh = true;
                refresh.addAll(d.refresh);
                continue;
            }
            if (first < 0) {
                first = current = d.targetDb;
            } else if (d.targetDb != current) {
                out.add(new byte[][] {SELECT, num(d.targetDb)});
                outSource.add(db);
                current = d.targetDb;
            }
            out.add(d.args);
            outSource.add(db);
            if (key == null) key = CommandTable.firstKey(d.args);
            if (spec.kind() == CommandSpec.Kind.KEYED || spec.kind() == CommandSpec.Kind.MOVE || spec.kind() == CommandSpec.Kind.COPY) {
                appliedWrites.addAll(writesInScope(spec, c, db));
            } else if (notRefreshable == null && spec.kind() != CommandSpec.Kind.PUBSUB) {
                notRefreshable = CommandTable.name(c); // a message of a refreshed transaction is dropped: it is no data
            }
        }
        if (anyRefresh) {
            if (notRefreshable != null) {
                throw new ScopeException("MULTI/EXEC at offset " + e.offset() + " of " + e.splitId() + " crosses the scope's edge ("
                        + restriction() + ") and contains " + notRefreshable + ", which cannot be copied key by key;"
                        + " way out: widen the scope to the keys and DBs the transaction touches");
            }
            refresh.addAll(appliedWrites);
            return refresh.isEmpty() ? null : RedisEvent.refresh(e.splitId(), e.offset(), new ArrayList<>(refresh));
        }
        if (out.isEmpty()) return null;
        int[] sources = new int[outSource.size()];
        for (int i = 0; i < sources.length; i++) sources[i] = outSource.get(i);
        return e.withTransaction(first, key, out.toArray(new byte[0][][]), sources);
    }

    private enum Type { DROP, APPLY, REFRESH }

    private static final class Decision {
        static final Decision DROP = new Decision(Type.DROP, null, -1, null);
        final Type type;
        final byte[][] args;
        final int targetDb;
        final Set<KeyRef> refresh;

        Decision(Type type, byte[][] args, int targetDb, Set<KeyRef> refresh) {
            this.type = type;
            this.args = args;
            this.targetDb = targetDb;
            this.refresh = refresh;
        }

        static Decision apply(byte[][] args, int targetDb) {
            return new Decision(Type.APPLY, args, targetDb, null);
        }

        static Decision refresh(Set<KeyRef> keys) {
            return keys.isEmpty() ? DROP : new Decision(Type.REFRESH, null, -1, keys);
        }
    }

    /** One command run in source DB {@code db}. */
    private Decision decide(byte[][] c, int db, RedisEvent e) {
        CommandSpec spec = CommandTable.of(c[0]);
        switch (spec.kind()) {
            case CONTROL:
                return Decision.DROP;
            case SERVER: // server-wide: the DB it is sent in does not matter, and a cluster has only DB 0
                return Decision.apply(c, 0);
            case PUBSUB:
                return options.forwardPublish() ? Decision.apply(c, 0) : Decision.DROP;
            case DB_WIDE:
                return dbWide(c, db, e);
            case MOVE:
                return move(c, db, e);
            case COPY:
                return copy(c, db, e);
            case UNKNOWN:
                if (!options.dbInScope(db)) return Decision.DROP;
                if (prefixes) {
                    throw new ScopeException("unknown command " + CommandTable.name(c) + " at offset " + e.offset() + " of "
                            + e.splitId() + " (db " + db + "): its keys are not known, so the prefix filters cannot be"
                            + " applied to it; way out: run without --include-prefix/--exclude-prefix, or stop the"
                            + " writes that send it");
                }
                return Decision.apply(c, options.targetDb(db));
            default:
                return keyed(spec, c, db);
        }
    }

    private Decision keyed(CommandSpec spec, byte[][] c, int db) {
        if (!options.dbInScope(db)) return Decision.DROP;
        int[] idx = spec.keyIndexes(c);
        boolean all = true;
        Set<KeyRef> written = new LinkedHashSet<>();
        for (int i = 0; i < idx.length; i++) {
            byte[] k = c[idx[i]];
            if (!keyOk(k)) all = false;
            else if (spec.writesKey(i, idx.length)) written.add(new KeyRef(db, options.targetDb(db), k));
        }
        return all ? Decision.apply(c, options.targetDb(db)) : Decision.refresh(written);
    }

    /** Keys in scope {@code c} writes (for a transaction refreshed whole). */
    private Set<KeyRef> writesInScope(CommandSpec spec, byte[][] c, int db) {
        Set<KeyRef> out = new LinkedHashSet<>();
        if (spec.kind() == CommandSpec.Kind.MOVE) {
            if (c.length == 3 && keyOk(c[1])) {
                int to = parseDb(c[2], c, null);
                if (options.dbInScope(db)) out.add(new KeyRef(db, options.targetDb(db), c[1]));
                if (options.dbInScope(to)) out.add(new KeyRef(to, options.targetDb(to), c[1]));
            }
            return out;
        }
        if (spec.kind() == CommandSpec.Kind.COPY) {
            int to = copyDb(c, db);
            if (c.length >= 3 && options.dbInScope(to) && keyOk(c[2])) out.add(new KeyRef(to, options.targetDb(to), c[2]));
            return out;
        }
        if (!options.dbInScope(db)) return out;
        int[] idx = spec.keyIndexes(c);
        for (int i = 0; i < idx.length; i++) {
            if (spec.writesKey(i, idx.length) && keyOk(c[idx[i]])) out.add(new KeyRef(db, options.targetDb(db), c[idx[i]]));
        }
        return out;
    }

    /** MOVE key db: both DBs in scope → mapped; only the source DB → a DEL there; only the destination → refresh. */
    private Decision move(byte[][] c, int db, RedisEvent e) {
        if (c.length != 3 || !keyOk(c[1])) return Decision.DROP;
        int to = parseDb(c[2], c, e);
        boolean fromIn = options.dbInScope(db);
        boolean toIn = options.dbInScope(to);
        if (fromIn && toIn) {
            int a = options.targetDb(db);
            int b = options.targetDb(to);
            return a == b ? Decision.DROP /* one target DB holds both: the key stays where it is */
                    : Decision.apply(new byte[][] {MOVE, c[1], num(b)}, a);
        }
        if (fromIn) return Decision.apply(new byte[][] {DEL, c[1]}, options.targetDb(db));
        if (toIn) return Decision.refresh(Set.of(new KeyRef(to, options.targetDb(to), c[1])));
        return Decision.DROP;
    }

    /** COPY src dst [DB db] [REPLACE]: applied (DB mapped) when both sides are in scope, dst refreshed when only it is. */
    private Decision copy(byte[][] c, int db, RedisEvent e) {
        if (c.length < 3) return Decision.DROP;
        int dbAt = -1;
        for (int i = 3; i + 1 < c.length; i++) if (CommandTable.isWord(c[i], DB)) dbAt = i + 1;
        int to = dbAt < 0 ? db : parseDb(c[dbAt], c, e);
        if (!options.dbInScope(to) || !keyOk(c[2])) return Decision.DROP;
        KeyRef dst = new KeyRef(to, options.targetDb(to), c[2]);
        if (!options.dbInScope(db) || !keyOk(c[1])) return Decision.refresh(Set.of(dst));
        int from = options.targetDb(db);
        if (from == dst.targetDb() && java.util.Arrays.equals(c[1], c[2])) return Decision.DROP; // merged DBs: one key
        if (dbAt < 0) return Decision.apply(c, from);
        byte[][] mapped = c.clone();
        mapped[dbAt] = num(dst.targetDb());
        return Decision.apply(mapped, from);
    }

    private int copyDb(byte[][] c, int db) {
        for (int i = 3; i + 1 < c.length; i++) {
            if (CommandTable.isWord(c[i], DB)) return parseDb(c[i + 1], c, null);
        }
        return db;
    }

    private Decision dbWide(byte[][] c, int db, RedisEvent e) {
        String name = CommandTable.name(c);
        if (name.equals("FLUSHALL")) return Decision.apply(c, 0); // the sink deletes only what the migration owns
        if (name.equals("FLUSHDB")) {
            if (!options.dbInScope(db)) return Decision.DROP;
            Integer other = mergedWith(db);
            if (other != null) {
                throw new ScopeException("FLUSHDB of source db " + db + " at offset " + e.offset() + " of " + e.splitId()
                        + ": --db-map writes source dbs " + db + " and " + other + " into target db " + options.targetDb(db)
                        + ", so only db " + db + "'s keys cannot be told apart there; way out: map db " + db
                        + " to a target db of its own, or start the migration again from a new snapshot");
            }
            return Decision.apply(c, options.targetDb(db));
        }
        // SWAPDB a b
        if (c.length != 3) return Decision.apply(c, options.targetDb(db));
        int a = parseDb(c[1], c, e);
        int b = parseDb(c[2], c, e);
        boolean aIn = options.dbInScope(a);
        boolean bIn = options.dbInScope(b);
        if (!aIn && !bIn) return Decision.DROP;
        String why = null;
        if (aIn != bIn) why = "it exchanges db " + (aIn ? a : b) + " (in scope) with db " + (aIn ? b : a) + " (out of scope)";
        else if (prefixes) why = "with prefix filters the target DBs also hold keys outside them, which it would move too";
        else if (options.targetDb(a) == options.targetDb(b) || mergedWith(a) != null || mergedWith(b) != null) {
            why = "--db-map " + (clusterTarget ? "(a cluster target has only db 0) " : "") + "writes more than one source db into the target dbs it swaps";
        }
        if (why != null) {
            throw new ScopeException("SWAPDB " + a + " " + b + " at offset " + e.offset() + " of " + e.splitId() + ": " + why
                    + "; the target cannot follow it exactly. Way out: put both DBs in scope, each with a target db of its own"
                    + " and no prefix filters, or start the migration again from a new snapshot after the swap");
        }
        if (a == b) return Decision.DROP;
        return Decision.apply(new byte[][] {SWAPDB, num(options.targetDb(a)), num(options.targetDb(b))}, options.targetDb(db));
    }

    /** Another source DB in scope written into the same target DB as {@code db}, or null. */
    Integer mergedWith(int db) {
        int target = options.targetDb(db);
        Map<Integer, Integer> map = options.dbMap();
        for (Map.Entry<Integer, Integer> m : map.entrySet()) {
            if (m.getKey() != db && m.getValue() == target && options.dbInScope(m.getKey())) return m.getKey();
        }
        // a DB not remapped keeps its number: target db T also receives source db T
        if (target != db && !map.containsKey(target) && options.dbInScope(target)) return target;
        return null;
    }

    /** A FLUSHALL/FLUSHDB inside MULTI/EXEC can be sent as is only when the migration owns the whole target. */
    private boolean flushRestricted(RedisEvent e) {
        return clusterTarget || prefixes || !options.dbs().isEmpty() || !options.dbMap().isEmpty() || e.splitId().startsWith("slots-");
    }

    private String restriction() {
        List<String> r = new ArrayList<>();
        if (!options.dbs().isEmpty()) r.add("--db");
        if (!options.dbMap().isEmpty()) r.add("--db-map");
        if (prefixes) r.add("prefix filters");
        if (clusterTarget) r.add("a cluster target");
        if (r.isEmpty()) r.add("a cluster source");
        return String.join(", ", r);
    }

    private boolean keyOk(byte[] key) {
        return options.keyInScope(key) && !options.isToolKey(key);
    }

    private static int parseDb(byte[] b, byte[][] c, RedisEvent e) {
        long v = CommandTable.parseLong(b);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new ScopeException("replicated " + CommandTable.name(c) + " names a DB that is not a number: '"
                    + new String(b, StandardCharsets.UTF_8) + "'" + (e == null ? "" : " at offset " + e.offset()));
        }
        return (int) v;
    }

    private static byte[] num(int v) {
        return Integer.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
