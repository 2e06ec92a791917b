package io.redismigrate.connector.source.reader;

import java.nio.charset.StandardCharsets;

/** Byte-level helpers for replicated commands: name checks without String conversion, first key lookup. */
final class Commands {
    static final byte[] SELECT = b("SELECT");
    static final byte[] SET = b("SET");
    static final byte[] PING = b("PING");
    static final byte[] REPLCONF = b("REPLCONF");
    static final byte[] GETACK = b("GETACK");
    static final byte[] MULTI = b("MULTI");
    static final byte[] EXEC = b("EXEC");
    static final byte[] BITOP = b("BITOP");
    static final byte[] XGROUP = b("XGROUP");
    static final byte[] EVAL = b("EVAL");
    static final byte[] EVALSHA = b("EVALSHA");
    static final byte[] EVAL_RO = b("EVAL_RO");
    static final byte[] EVALSHA_RO = b("EVALSHA_RO");
    static final byte[] FCALL = b("FCALL");
    static final byte[][] KEYLESS = {b("FLUSHALL"), b("FLUSHDB"), b("SWAPDB"), b("FUNCTION"), b("SCRIPT"), b("PUBLISH"),
        b("SPUBLISH"), MULTI, EXEC, PING, SELECT};

    /** Write commands whose semantics the pipeline knows; anything else is passed through and counted. */
    private static final java.util.Set<String> KNOWN = java.util.Set.of(
            "APPEND", "BITFIELD", "BITOP", "BLMOVE", "BLMPOP", "BLPOP", "BRPOP", "BRPOPLPUSH", "BZMPOP", "BZPOPMAX",
            "BZPOPMIN", "COPY", "DECR", "DECRBY", "DEL", "EVAL", "EVALSHA", "EXEC", "EXPIRE", "EXPIREAT", "FCALL",
            "FLUSHALL", "FLUSHDB", "FUNCTION", "GEOADD", "GEORADIUS", "GEORADIUSBYMEMBER", "GEOSEARCHSTORE", "GETDEL",
            "GETEX", "GETSET", "HDEL", "HGETDEL", "HGETEX", "HINCRBY", "HINCRBYFLOAT", "HMSET", "HPERSIST", "HPEXPIRE",
            "HPEXPIREAT", "HEXPIRE", "HEXPIREAT", "HSET", "HSETEX", "HSETNX", "INCR", "INCRBY", "INCRBYFLOAT", "LINSERT",
            "LMOVE", "LMPOP", "LPOP", "LPUSH", "LPUSHX", "LREM", "LSET", "LTRIM", "MOVE", "MSET", "MSETNX", "MULTI",
            "PERSIST", "PEXPIRE", "PEXPIREAT", "PFADD", "PFCOUNT", "PFMERGE", "PING", "PSETEX", "PUBLISH", "RENAME",
            "RENAMENX", "REPLCONF", "RESTORE", "RPOP", "RPOPLPUSH", "RPUSH", "RPUSHX", "SADD", "SCRIPT", "SDIFFSTORE",
            "SELECT", "SET", "SETBIT", "SETEX", "SETNX", "SETRANGE", "SINTERCARD", "SINTERSTORE", "SMOVE", "SORT",
            "SPOP", "SPUBLISH", "SREM", "SUNIONSTORE", "SWAPDB", "UNLINK", "XACK", "XADD", "XAUTOCLAIM", "XCLAIM",
            "XDEL", "XGROUP", "XSETID", "XTRIM", "ZADD", "ZDIFFSTORE", "ZINCRBY", "ZINTERSTORE", "ZMPOP", "ZPOPMAX",
            "ZPOPMIN", "ZRANGESTORE", "ZREM", "ZREMRANGEBYLEX", "ZREMRANGEBYRANK", "ZREMRANGEBYSCORE", "ZUNIONSTORE",
            "EVAL_RO", "EVALSHA_RO", "FCALL_RO", "TOUCH");

    static boolean known(byte[] name) {
        return KNOWN.contains(new String(name, java.nio.charset.StandardCharsets.US_ASCII).toUpperCase());
    }

    private Commands() {}

    /** ASCII case-insensitive equality of a command name with an upper-case constant. */
    static boolean is(byte[] name, byte[] upper) {
        if (name.length != upper.length) return false;
        for (int i = 0; i < name.length; i++) {
            int c = name[i];
            if (c >= 'a' && c <= 'z') c -= 32;
            if (c != upper[i]) return false;
        }
        return true;
    }

    /** The first key a replicated command writes, or null (routing, filters and messages only). */
    static byte[] firstKey(byte[][] args) {
        byte[] name = args[0];
        for (byte[] k : KEYLESS) if (is(name, k)) return null;
        if (is(name, BITOP) || is(name, XGROUP)) return args.length > 2 ? args[2] : null;
        if (is(name, EVAL) || is(name, EVALSHA) || is(name, EVAL_RO) || is(name, EVALSHA_RO) || is(name, FCALL)) {
            return args.length > 3 && parseInt(args[2]) > 0 ? args[3] : null;
        }
        return args.length > 1 ? args[1] : null;
    }

    static int parseInt(byte[] b) {
        int v = 0;
        boolean neg = false;
        for (int i = 0; i < b.length; i++) {
            if (i == 0 && b[i] == '-') { neg = true; continue; }
            if (b[i] < '0' || b[i] > '9') return -1;
            v = v * 10 + (b[i] - '0');
        }
        return neg ? -v : v;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
