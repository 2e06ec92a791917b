package io.redismigrate.connector.command;

import java.util.Arrays;

/**
 * What the migration must know of one replicated command: its class (how scope rules treat it), where its keys
 * are and which of them it writes. Key positions follow the shape of Redis's own key specs (COMMAND INFO):
 * a fixed range {@code first..last} by {@code step} (a negative {@code last} counts from the end), optionally
 * followed by a {@code numkeys} argument and that many keys, or by one key after a keyword (SORT … STORE dst).
 */
public final class CommandSpec {

    /** How the scope step treats a command. */
    public enum Kind {
        /** Reads and writes keys of the DB it runs in. */
        KEYED,
        /** MOVE key db: moves a key to another DB. */
        MOVE,
        /** COPY src dst [DB db]: writes dst in another DB when DB is given. */
        COPY,
        /** FLUSHDB, FLUSHALL, SWAPDB: whole DBs. */
        DB_WIDE,
        /** FUNCTION, SCRIPT: server-wide state, no keys, no DB. */
        SERVER,
        /** PUBLISH, SPUBLISH: messages, not data (SPUBLISH's channel routes like a key on a cluster). */
        PUBSUB,
        /** SELECT, MULTI, EXEC, PING, REPLCONF: replication framing, consumed by the reader. */
        CONTROL,
        /** Not in the table: its keys are not known. */
        UNKNOWN
    }

    /** Which of the keys a command writes. */
    public enum Writes { ALL, FIRST, LAST, NONE }

    final String name;
    final Kind kind;
    final Writes writes;
    final int first;
    final int last;
    final int step;
    final int numkeysAt;
    final byte[][] keywords;

    CommandSpec(String name, Kind kind, Writes writes, int first, int last, int step, int numkeysAt, String... keywords) {
        this.name = name;
        this.kind = kind;
        this.writes = writes;
        this.first = first;
        this.last = last;
        this.step = step;
        this.numkeysAt = numkeysAt;
        this.keywords = new byte[keywords.length][];
        for (int i = 0; i < keywords.length; i++) this.keywords[i] = CommandTable.ascii(keywords[i]);
    }

    public String name() { return name; }
    public Kind kind() { return kind; }
    public Writes writes() { return writes; }

    /** Indexes into {@code args} of every key, in argument order; empty for keyless commands. */
    public int[] keyIndexes(byte[][] args) {
        int n = args.length;
        int[] out = new int[4];
        int count = 0;
        if (first > 0) {
            int end = last >= 0 ? Math.min(last, n - 1) : n + last;
            for (int i = first; i <= end; i += step) {
                if (count == out.length) out = Arrays.copyOf(out, count * 2);
                out[count++] = i;
            }
        }
        if (numkeysAt > 0 && numkeysAt < n) {
            long k = CommandTable.parseLong(args[numkeysAt]);
            for (int i = numkeysAt + 1; k > 0 && i < n; i++, k--) {
                if (count == out.length) out = Arrays.copyOf(out, count * 2);
                out[count++] = i;
            }
        }
        if (keywords.length > 0) {
            int from = first > 0 ? first + 1 : 1;
            for (int i = from; i + 1 < n; i++) {
                if (matchesKeyword(args[i])) {
                    if (count == out.length) out = Arrays.copyOf(out, count * 2);
                    out[count++] = ++i;
                }
            }
        }
        return count == out.length ? out : Arrays.copyOf(out, count);
    }

    private boolean matchesKeyword(byte[] arg) {
        for (byte[] k : keywords) if (CommandTable.equalsIgnoreCase(arg, k)) return true;
        return false;
    }

    /** Whether the {@code ordinal}-th of {@code count} keys is written. */
    public boolean writesKey(int ordinal, int count) {
        switch (writes) {
            case ALL: return true;
            case FIRST: return ordinal == 0;
            case LAST: return count > 1 && ordinal == count - 1; // SORT without STORE writes nothing
            default: return false;
        }
    }

    @Override
    public String toString() {
        return name + "(" + kind + ")";
    }
}
