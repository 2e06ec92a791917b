package io.redismigrate.connector.command;

import io.redismigrate.connector.resp.ServerInfo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The rewrites behind {@link CommandDialect}'s rows. Each gets the whole command and returns it unchanged (the same
 * array) when it does not use the row's form, a rewritten array otherwise, or null when the form is refused for
 * this target. A dropped condition (NX/XX/GT/LT of PEXPIREAT, SET's IFEQ, XADD's NOMKSTREAM) is exact because a
 * source replicates such a command only when it applied, and the target holds the same data.
 */
final class DialectTranslations {
    private DialectTranslations() {}

    static final byte[] EVAL = b("EVAL");

    /**
     * SET key value [NX|XX] [GET] [KEEPTTL|EX|PX|EXAT|PXAT t] [IFEQ v]: GET dropped where the target lacks it
     * (6.2), IFEQ dropped where it lacks it (Valkey 8.1), EXAT/PXAT as SET + PEXPIREAT in one script (6.2).
     */
    static byte[][] set(byte[][] a, ServerInfo t) {
        boolean has62 = t.atLeastRedis(6, 2);
        boolean hasIfeq = t.valkey() && t.atLeast(8, 1);
        int at = -1; // index of EXAT/PXAT
        boolean change = false;
        for (int i = 3; i < a.length; i++) {
            if (word(a[i], "GET")) change |= !has62;
            else if (word(a[i], "IFEQ") && i + 1 < a.length) { change |= !hasIfeq; i++; }
            else if ((word(a[i], "EXAT") || word(a[i], "PXAT")) && i + 1 < a.length) { if (!has62) { at = i; change = true; } i++; }
            else if ((word(a[i], "EX") || word(a[i], "PX")) && i + 1 < a.length) i++;
        }
        if (!change) return a;
        List<byte[]> rest = new ArrayList<>();
        byte[] expireAtMs = null;
        for (int i = 3; i < a.length; i++) {
            if (word(a[i], "GET") && !has62) continue;
            if (word(a[i], "IFEQ") && i + 1 < a.length) {
                if (hasIfeq) { rest.add(a[i]); rest.add(a[i + 1]); }
                i++;
                continue;
            }
            if (i == at) {
                long v = CommandTable.parseLong(a[i + 1]);
                if (v < 0) return a; // not a time the source could have accepted: the target's own error
                expireAtMs = num(word(a[i], "EXAT") ? v * 1000 : v);
                i++;
                continue;
            }
            rest.add(a[i]);
        }
        if (expireAtMs == null) {
            byte[][] out = new byte[3 + rest.size()][];
            out[0] = a[0]; out[1] = a[1]; out[2] = a[2];
            for (int i = 0; i < rest.size(); i++) out[3 + i] = rest.get(i);
            return out;
        }
        List<byte[]> argv = new ArrayList<>();
        argv.add(a[2]);
        argv.add(expireAtMs);
        argv.addAll(rest);
        return eval(DialectScripts.SET_PXAT, List.of(a[1]), argv);
    }

    /** LPOP/RPOP key count → LTRIM key count -1 / LTRIM key 0 -(count+1): the same elements go (6.2). */
    static byte[][] popCount(byte[][] a, ServerInfo t) {
        if (a.length != 3) return a;
        long count = CommandTable.parseLong(a[2]);
        if (count < 0) return a;
        boolean left = word(a[0], "LPOP");
        return left ? new byte[][] {b("LTRIM"), a[1], a[2], b("-1")}
                : new byte[][] {b("LTRIM"), a[1], b("0"), num(-count - 1)};
    }

    /** LMOVE src dst from to: RIGHT LEFT is RPOPLPUSH; the other sides a script (6.2). */
    static byte[][] lmove(byte[][] a, ServerInfo t) {
        if (a.length != 5) return a;
        byte[] from = upper(a[3]);
        byte[] to = upper(a[4]);
        if (eq(from, "RIGHT") && eq(to, "LEFT")) return new byte[][] {b("RPOPLPUSH"), a[1], a[2]};
        return eval(DialectScripts.LMOVE, List.of(a[1], a[2]), List.of(from, to));
    }

    /** COPY src dst [DB db] [REPLACE] → DUMP/PTTL/RESTORE in one script (6.2). */
    static byte[][] copy(byte[][] a, ServerInfo t) {
        if (a.length < 3) return a;
        byte[] db = new byte[0];
        boolean replace = false;
        for (int i = 3; i < a.length; i++) {
            if (word(a[i], "REPLACE")) replace = true;
            else if (word(a[i], "DB") && i + 1 < a.length) db = a[++i];
            else return a; // an option the target would refuse the same way the source would have
        }
        return eval(DialectScripts.COPY, List.of(a[1], a[2]), List.of(db, b(replace ? "1" : "0")));
    }

    /** [P]EXPIRE[AT] key t NX|XX|GT|LT → without the condition (7.0): replicated only when it applied. */
    static byte[][] expireFlag(byte[][] a, ServerInfo t) {
        if (a.length != 4) return a;
        return new byte[][] {a[0], a[1], a[2]};
    }

    /** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member …: GT/LT by a script (6.2); CH only changes the reply. */
    static byte[][] zadd(byte[][] a, ServerInfo t) {
        String mode = null;
        boolean xx = false, incr = false;
        int i = 2;
        for (; i < a.length; i++) {
            if (word(a[i], "GT")) mode = "GT";
            else if (word(a[i], "LT")) mode = "LT";
            else if (word(a[i], "XX")) xx = true;
            else if (word(a[i], "INCR")) incr = true;
            else if (!word(a[i], "CH") && !word(a[i], "NX")) break;
        }
        if (mode == null) return a;
        List<byte[]> argv = new ArrayList<>();
        argv.add(b(mode));
        argv.add(b(xx ? "XX" : ""));
        argv.add(b(incr ? "INCR" : ""));
        for (; i < a.length; i++) argv.add(a[i]);
        return eval(DialectScripts.ZADD_GT_LT, List.of(a[1]), argv);
    }

    /**
     * XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT n]] id field value …: NOMKSTREAM dropped
     * (replicated only when the stream existed), LIMIT dropped (sources replicate trimming as exact '=', and a
     * replica ignores LIMIT), MINID by a script (6.2).
     */
    static byte[][] xadd(byte[][] a, ServerInfo t) {
        return streamTrim(a, true);
    }

    /** XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT n]: as {@link #xadd}. */
    static byte[][] xtrim(byte[][] a, ServerInfo t) {
        return streamTrim(a, false);
    }

    private static byte[][] streamTrim(byte[][] a, boolean add) {
        boolean change = false;
        for (int i = 2; i < a.length; i++) { // XADD's options end at the ID: fields and values are never read
            if (word(a[i], "NOMKSTREAM") || word(a[i], "MINID") || word(a[i], "LIMIT")) { change = true; break; }
            if (word(a[i], "MAXLEN")) { i += (i + 1 < a.length && isTrimOperator(a[i + 1])) ? 2 : 1; continue; }
            if (add) break; // the ID: fields and values follow
        }
        if (!change) return a;
        List<byte[]> rest = new ArrayList<>();
        byte[] minId = null;
        int i = 2;
        for (; i < a.length; i++) {
            if (word(a[i], "NOMKSTREAM")) continue;
            if (word(a[i], "LIMIT") && i + 1 < a.length) { i++; continue; }
            if (word(a[i], "MAXLEN") || word(a[i], "MINID")) {
                boolean min = word(a[i], "MINID");
                int v = i + 1;
                byte[] op = null;
                if (v < a.length && isTrimOperator(a[v])) op = a[v++];
                if (v >= a.length) return a;
                if (min) {
                    minId = normalizeId(a[v]);
                    if (minId == null) return a;
                } else {
                    rest.add(a[i]);
                    if (op != null) rest.add(op);
                    rest.add(a[v]);
                }
                i = v;
                continue;
            }
            if (add) break;
            rest.add(a[i]);
        }
        if (add) for (; i < a.length; i++) rest.add(a[i]); // ID, fields and values
        if (minId == null) {
            byte[][] out = new byte[2 + rest.size()][];
            out[0] = a[0]; out[1] = a[1];
            for (int j = 0; j < rest.size(); j++) out[2 + j] = rest.get(j);
            return out;
        }
        if (!add && !rest.isEmpty()) return a; // XTRIM with MINID and MAXLEN together is not a valid command
        List<byte[]> argv = new ArrayList<>();
        argv.add(minId);
        argv.addAll(rest);
        return eval(add ? DialectScripts.XADD_MINID : DialectScripts.XTRIM_MINID, List.of(a[1]), argv);
    }

    /** XGROUP CREATECONSUMER key group consumer → an XREADGROUP that creates it and reads nothing (6.2). */
    static byte[][] createConsumer(byte[][] a, ServerInfo t) {
        if (a.length != 5 || !word(a[1], "CREATECONSUMER")) return a;
        return eval(DialectScripts.CREATE_CONSUMER, List.of(a[2]), List.of(a[3], a[4]));
    }

    /** XGROUP CREATE|SETID … ENTRIESREAD n → without it (7.0; older groups do not count entries read). */
    static byte[][] entriesRead(byte[][] a, ServerInfo t) {
        if (a.length < 6 || !(word(a[1], "CREATE") || word(a[1], "SETID"))) return a;
        return dropOption(a, 4, "ENTRIESREAD");
    }

    /** XSETID key id [ENTRIESADDED n] [MAXDELETEDID id] → XSETID key id (7.0; older streams keep neither). */
    static byte[][] xsetid(byte[][] a, ServerInfo t) {
        return a.length > 3 ? new byte[][] {a[0], a[1], a[2]} : a;
    }

    /** FLUSHDB/FLUSHALL SYNC, SCRIPT FLUSH SYNC|ASYNC (6.2) → without SYNC (the older default) or ASYNC. */
    static byte[][] flushSync(byte[][] a, ServerInfo t) {
        if (a.length == 2 && word(a[1], "SYNC")) return new byte[][] {a[0]};
        return a;
    }

    static byte[][] scriptFlush(byte[][] a, ServerInfo t) {
        if (a.length == 3 && word(a[1], "FLUSH") && (word(a[2], "SYNC") || word(a[2], "ASYNC"))) return new byte[][] {a[0], a[1]};
        return a;
    }

    /**
     * ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count] → the matching 6.0 range read and a
     * ZADD of its result in one script (6.2).
     */
    static byte[][] zrangestore(byte[][] a, ServerInfo t) {
        if (a.length < 5) return a;
        boolean byScore = false, byLex = false, rev = false;
        byte[] offset = null, count = null;
        for (int i = 5; i < a.length; i++) {
            if (word(a[i], "BYSCORE")) byScore = true;
            else if (word(a[i], "BYLEX")) byLex = true;
            else if (word(a[i], "REV")) rev = true;
            else if (word(a[i], "LIMIT") && i + 2 < a.length) { offset = a[++i]; count = a[++i]; }
            else return a;
        }
        String read = byScore ? (rev ? "ZREVRANGEBYSCORE" : "ZRANGEBYSCORE")
                : byLex ? (rev ? "ZREVRANGEBYLEX" : "ZRANGEBYLEX")
                : (rev ? "ZREVRANGE" : "ZRANGE");
        List<byte[]> argv = new ArrayList<>(List.of(b(read), a[3], a[4]));
        if (offset != null) {
            if (!byScore && !byLex) return a; // LIMIT needs BYSCORE or BYLEX: the source would have refused it
            argv.add(b("LIMIT")); argv.add(offset); argv.add(count);
        }
        return eval(DialectScripts.ZRANGESTORE, List.of(a[1], a[2]), argv);
    }

    /** ZDIFFSTORE dst numkeys key … → one script (6.2). */
    static byte[][] zdiffstore(byte[][] a, ServerInfo t) {
        if (a.length < 4) return a;
        long n = CommandTable.parseLong(a[2]);
        if (n < 1 || a.length != 3 + n) return a;
        List<byte[]> keys = new ArrayList<>();
        keys.add(a[1]);
        for (int i = 3; i < a.length; i++) keys.add(a[i]);
        return eval(DialectScripts.ZDIFFSTORE, keys, List.of());
    }

    /**
     * GEOSEARCHSTORE dst src FROMMEMBER m|FROMLONLAT lon lat BYRADIUS r unit [ASC|DESC] [COUNT n] [STOREDIST] →
     * GEORADIUSBYMEMBER / GEORADIUS src … STORE|STOREDIST dst (the same search in 6.0); BYBOX and ANY have no 6.0
     * equivalent: refused (null).
     */
    static byte[][] geosearchstore(byte[][] a, ServerInfo t) {
        byte[] member = null, lon = null, lat = null, radius = null, unit = null, order = null, count = null;
        boolean storeDist = false;
        for (int i = 3; i < a.length; i++) {
            if (word(a[i], "FROMMEMBER") && i + 1 < a.length) member = a[++i];
            else if (word(a[i], "FROMLONLAT") && i + 2 < a.length) { lon = a[++i]; lat = a[++i]; }
            else if (word(a[i], "BYRADIUS") && i + 2 < a.length) { radius = a[++i]; unit = a[++i]; }
            else if (word(a[i], "ASC") || word(a[i], "DESC")) order = a[i];
            else if (word(a[i], "COUNT") && i + 1 < a.length) count = a[++i];
            else if (word(a[i], "STOREDIST")) storeDist = true;
            else return null; // BYBOX, ANY
        }
        if (radius == null || (member == null) == (lon == null)) return null;
        List<byte[]> out = new ArrayList<>();
        if (member != null) { out.add(b("GEORADIUSBYMEMBER")); out.add(a[2]); out.add(member); }
        else { out.add(b("GEORADIUS")); out.add(a[2]); out.add(lon); out.add(lat); }
        out.add(radius);
        out.add(unit);
        if (order != null) out.add(order);
        if (count != null) { out.add(b("COUNT")); out.add(count); }
        out.add(b(storeDist ? "STOREDIST" : "STORE"));
        out.add(a[1]);
        return out.toArray(new byte[0][]);
    }

    /**
     * HSETEX key [FNX|FXX] [EX|PX|EXAT|PXAT t|KEEPTTL] FIELDS n field value … into a target without HSETEX (Redis
     * 8.0, Valkey 9.0): without a TTL it is HSET (which also clears the fields' TTLs; FNX/FXX held on the source);
     * with a TTL, HSET + HPEXPIREAT in one script where the target has field TTLs, else refused (null); KEEPTTL is
     * HSET where the target has no field TTLs (none can exist there), else refused.
     */
    static byte[][] hsetex(byte[][] a, ServerInfo t) {
        int i = 2;
        byte[] ttlWord = null, ttl = null;
        boolean keep = false;
        for (; i < a.length && !word(a[i], "FIELDS"); i++) {
            if (word(a[i], "KEEPTTL")) keep = true;
            else if ((word(a[i], "EX") || word(a[i], "PX") || word(a[i], "EXAT") || word(a[i], "PXAT")) && i + 1 < a.length) {
                ttlWord = upper(a[i]);
                ttl = a[++i];
            }
        }
        if (i + 1 >= a.length) return a;
        long n = CommandTable.parseLong(a[i + 1]);
        if (n < 1 || a.length != i + 2 + 2 * n) return a;
        int fields = i + 2;
        byte[][] hset = new byte[2 + 2 * (int) n][];
        hset[0] = b("HSET");
        hset[1] = a[1];
        System.arraycopy(a, fields, hset, 2, 2 * (int) n);
        if (ttlWord == null) return keep && t.hashFieldTtl() ? null : hset;
        if (!t.hashFieldTtl()) return null;
        String expire = eq(ttlWord, "EX") ? "HEXPIRE" : eq(ttlWord, "PX") ? "HPEXPIRE" : eq(ttlWord, "EXAT") ? "HEXPIREAT" : "HPEXPIREAT";
        List<byte[]> argv = new ArrayList<>();
        argv.add(b(expire));
        argv.add(ttl);
        argv.add(num(n));
        for (int f = 0; f < n; f++) { argv.add(a[fields + 2 * f]); argv.add(a[fields + 2 * f + 1]); }
        return eval(HSET_EXPIRE, List.of(a[1]), argv);
    }

    /** HSET key f v … then the TTL command on those fields. ARGV: TTL command, time, n, then field, value pairs. */
    private static final byte[] HSET_EXPIRE = ("local n = tonumber(ARGV[3])\n"
            + "local fv, f = {}, {}\n"
            + "for i = 4, #ARGV, 2 do fv[#fv + 1] = ARGV[i]; fv[#fv + 1] = ARGV[i + 1]; f[#f + 1] = ARGV[i] end\n"
            + "redis.call('HSET', KEYS[1], unpack(fv))\n"
            + "redis.call(ARGV[1], KEYS[1], ARGV[2], 'FIELDS', n, unpack(f))\n"
            + "return 1").getBytes(StandardCharsets.US_ASCII);

    /** EVAL body numkeys keys… argv… */
    static byte[][] eval(byte[] body, List<byte[]> keys, List<byte[]> argv) {
        byte[][] out = new byte[3 + keys.size() + argv.size()][];
        out[0] = EVAL;
        out[1] = body;
        out[2] = num(keys.size());
        int i = 3;
        for (byte[] k : keys) out[i++] = k;
        for (byte[] v : argv) out[i++] = v;
        return out;
    }

    /** Removes {@code option value} found at or after {@code from}; the same array when absent. */
    private static byte[][] dropOption(byte[][] a, int from, String option) {
        for (int i = from; i + 1 < a.length; i++) {
            if (word(a[i], option)) {
                byte[][] out = new byte[a.length - 2][];
                System.arraycopy(a, 0, out, 0, i);
                System.arraycopy(a, i + 2, out, i, a.length - i - 2);
                return out;
            }
        }
        return a;
    }

    private static boolean isTrimOperator(byte[] a) {
        return a.length == 1 && (a[0] == '=' || a[0] == '~');
    }

    /** A stream ID as "ms-seq" without leading zeros ("5" → "5-0"), or null when it is not one. */
    static byte[] normalizeId(byte[] id) {
        String s = new String(id, StandardCharsets.US_ASCII);
        int dash = s.indexOf('-');
        try {
            long ms = Long.parseUnsignedLong(dash < 0 ? s : s.substring(0, dash));
            long seq = dash < 0 ? 0 : Long.parseUnsignedLong(s.substring(dash + 1));
            return b(Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static boolean word(byte[] a, String upper) {
        if (a.length != upper.length()) return false;
        for (int i = 0; i < a.length; i++) {
            int c = a[i];
            if (c >= 'a' && c <= 'z') c -= 32;
            if (c != upper.charAt(i)) return false;
        }
        return true;
    }

    private static boolean eq(byte[] a, String s) {
        return word(a, s);
    }

    private static byte[] upper(byte[] a) {
        byte[] out = a.clone();
        for (int i = 0; i < out.length; i++) if (out[i] >= 'a' && out[i] <= 'z') out[i] -= 32;
        return out;
    }

    static byte[] num(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
