package io.redismigrate.connector.command;

import io.redismigrate.connector.command.CommandSpec.Kind;
import io.redismigrate.connector.command.CommandSpec.Writes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one command model of the stream phase: every command a source (Redis 2.8 … 8.x, Valkey 7.2 … 8.x) may
 * replicate, with its keys, the keys it writes and its class ({@link Kind}). Commands that are never replicated
 * (reads, XREADGROUP, BLPOP…, which propagate as other commands) are listed too where a source may still send them
 * (old versions, {@code lua-replicate-commands no}). The table is checked against the servers' own
 * {@code COMMAND GETKEYS} on every version of the test matrix (CommandTableTest). Names are matched
 * ASCII-case-insensitively; a name not in the table is {@link Kind#UNKNOWN} (its keys are not guessed).
 */
public final class CommandTable {
    private CommandTable() {}

    private static final Map<String, CommandSpec> SPECS = new HashMap<>();
    /** The spec of commands not in the table. */
    public static final CommandSpec UNKNOWN = new CommandSpec("?", Kind.UNKNOWN, Writes.ALL, 0, 0, 1, 0);

    static {
        // one key, written
        for (String n : new String[] {"APPEND", "DECR", "DECRBY", "GETDEL", "GETEX", "GETSET", "INCR", "INCRBY",
                "INCRBYFLOAT", "PSETEX", "SET", "SETEX", "SETNX", "SETRANGE", "SETBIT", "BITFIELD", "EXPIRE", "EXPIREAT",
                "PEXPIRE", "PEXPIREAT", "PERSIST", "RESTORE", "RESTORE-ASKING", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX",
                "LINSERT", "LSET", "LTRIM", "LREM", "LPOP", "RPOP", "SADD", "SREM", "SPOP", "ZADD", "ZINCRBY", "ZREM",
                "ZREMRANGEBYLEX", "ZREMRANGEBYRANK", "ZREMRANGEBYSCORE", "ZPOPMIN", "ZPOPMAX", "HSET", "HSETNX", "HMSET",
                "HDEL", "HINCRBY", "HINCRBYFLOAT", "HEXPIRE", "HPEXPIRE", "HEXPIREAT", "HPEXPIREAT", "HPERSIST",
                "HGETDEL", "HGETEX", "HSETEX", "PFADD", "GEOADD", "XADD", "XDEL", "XTRIM", "XSETID", "XACK", "XCLAIM",
                "XAUTOCLAIM"}) {
            put(n, Kind.KEYED, Writes.ALL, 1, 1, 1, 0);
        }
        // every argument from the first on is a key, all written
        for (String n : new String[] {"DEL", "UNLINK", "PFCOUNT"}) put(n, Kind.KEYED, Writes.ALL, 1, -1, 1, 0);
        // two keys, both written (the source loses an element or the key)
        for (String n : new String[] {"RENAME", "RENAMENX", "RPOPLPUSH", "BRPOPLPUSH", "LMOVE", "BLMOVE", "SMOVE"}) {
            put(n, Kind.KEYED, Writes.ALL, 1, 2, 1, 0);
        }
        put("TOUCH", Kind.KEYED, Writes.NONE, 1, -1, 1, 0);
        put("MSET", Kind.KEYED, Writes.ALL, 1, -1, 2, 0);
        put("MSETNX", Kind.KEYED, Writes.ALL, 1, -1, 2, 0);
        // destination first, sources read
        for (String n : new String[] {"SDIFFSTORE", "SINTERSTORE", "SUNIONSTORE", "PFMERGE"}) {
            put(n, Kind.KEYED, Writes.FIRST, 1, -1, 1, 0);
        }
        put("ZRANGESTORE", Kind.KEYED, Writes.FIRST, 1, 2, 1, 0);
        put("GEOSEARCHSTORE", Kind.KEYED, Writes.FIRST, 1, 2, 1, 0);
        put("BITOP", Kind.KEYED, Writes.FIRST, 2, -1, 1, 0);
        for (String n : new String[] {"ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"}) {
            put(n, Kind.KEYED, Writes.FIRST, 1, 1, 1, 2);
        }
        // blocking pops (replicated as plain pops, listed for old sources): keys up to the timeout
        for (String n : new String[] {"BLPOP", "BRPOP", "BZPOPMIN", "BZPOPMAX"}) put(n, Kind.KEYED, Writes.ALL, 1, -2, 1, 0);
        put("LMPOP", Kind.KEYED, Writes.ALL, 0, 0, 1, 1);
        put("ZMPOP", Kind.KEYED, Writes.ALL, 0, 0, 1, 1);
        put("BLMPOP", Kind.KEYED, Writes.ALL, 0, 0, 1, 2);
        put("BZMPOP", Kind.KEYED, Writes.ALL, 0, 0, 1, 2);
        put("SINTERCARD", Kind.KEYED, Writes.NONE, 0, 0, 1, 1);
        // scripts: declared keys, any of them may be written
        for (String n : new String[] {"EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO"}) {
            put(n, Kind.KEYED, Writes.ALL, 0, 0, 1, 2);
        }
        // a key after a keyword, written: SORT key … STORE dst, GEORADIUS … STORE|STOREDIST dst
        put("SORT", Kind.KEYED, Writes.LAST, 1, 1, 1, 0, "STORE");
        put("GEORADIUS", Kind.KEYED, Writes.LAST, 1, 1, 1, 0, "STORE", "STOREDIST");
        put("GEORADIUSBYMEMBER", Kind.KEYED, Writes.LAST, 1, 1, 1, 0, "STORE", "STOREDIST");
        put("XGROUP", Kind.KEYED, Writes.ALL, 2, 2, 1, 0);
        put("PFDEBUG", Kind.KEYED, Writes.ALL, 2, 2, 1, 0);
        // DB arguments
        put("MOVE", Kind.MOVE, Writes.ALL, 1, 1, 1, 0);
        put("COPY", Kind.COPY, Writes.LAST, 1, 2, 1, 0);
        put("SWAPDB", Kind.DB_WIDE, Writes.NONE, 0, 0, 1, 0);
        put("FLUSHDB", Kind.DB_WIDE, Writes.NONE, 0, 0, 1, 0);
        put("FLUSHALL", Kind.DB_WIDE, Writes.NONE, 0, 0, 1, 0);
        put("FUNCTION", Kind.SERVER, Writes.NONE, 0, 0, 1, 0);
        put("SCRIPT", Kind.SERVER, Writes.NONE, 0, 0, 1, 0);
        put("PUBLISH", Kind.PUBSUB, Writes.NONE, 0, 0, 1, 0);
        put("SPUBLISH", Kind.PUBSUB, Writes.NONE, 1, 1, 1, 0);
        for (String n : new String[] {"SELECT", "MULTI", "EXEC", "PING", "REPLCONF"}) put(n, Kind.CONTROL, Writes.NONE, 0, 0, 1, 0);
    }

    private static void put(String name, Kind kind, Writes writes, int first, int last, int step, int numkeysAt, String... kw) {
        SPECS.put(name, new CommandSpec(name, kind, writes, first, last, step, numkeysAt, kw));
    }

    /** The spec of a command by its name argument ({@link #UNKNOWN} when not in the table). */
    public static CommandSpec of(byte[] name) {
        CommandSpec s = SPECS.get(upper(name));
        return s != null ? s : UNKNOWN;
    }

    /** Names of every command in the table (tests). */
    public static java.util.Set<String> names() {
        return java.util.Collections.unmodifiableSet(SPECS.keySet());
    }

    /** Upper-case name of a command (only the name is converted, never arguments). */
    public static String name(byte[][] args) {
        return upper(args[0]);
    }

    /** Every key of {@code args}, in argument order (duplicates kept); empty for keyless and unknown commands. */
    public static List<byte[]> keys(byte[][] args) {
        int[] idx = of(args[0]).keyIndexes(args);
        List<byte[]> keys = new ArrayList<>(idx.length);
        for (int i : idx) keys.add(args[i]);
        return keys;
    }

    /** The first key of {@code args} (routing and messages), or null. */
    public static byte[] firstKey(byte[][] args) {
        CommandSpec s = of(args[0]);
        if (s.kind == Kind.UNKNOWN) return args.length > 1 ? args[1] : null; // a guess, for routing and messages only
        int[] idx = s.keyIndexes(args);
        return idx.length == 0 ? null : args[idx[0]];
    }

    static String upper(byte[] name) {
        return new String(name, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether argument {@code a} is the keyword {@code upper} (given in upper case), ignoring ASCII case. */
    public static boolean isWord(byte[] a, byte[] upper) {
        return equalsIgnoreCase(a, upper);
    }

    static boolean equalsIgnoreCase(byte[] a, byte[] upper) {
        if (a.length != upper.length) return false;
        for (int i = 0; i < a.length; i++) {
            int c = a[i];
            if (c >= 'a' && c <= 'z') c -= 32;
            if (c != upper[i]) return false;
        }
        return true;
    }

    /** A decimal argument, or -1 when it is not one. */
    public static long parseLong(byte[] b) {
        if (b.length == 0 || b.length > 18) return -1;
        long v = 0;
        int i = 0;
        boolean neg = b[0] == '-';
        if (neg) i = 1;
        if (i == b.length) return -1;
        for (; i < b.length; i++) {
            if (b[i] < '0' || b[i] > '9') return -1;
            v = v * 10 + (b[i] - '0');
        }
        return neg ? -v : v;
    }
}
