package io.redismigrate.connector.command;

import io.redismigrate.connector.rdb.TargetCannotStoreException;
import io.redismigrate.connector.resp.ServerInfo;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The translation table, arguments in → arguments out, per target version (no servers). */
class CommandDialectTest {
    static final ServerInfo R60 = ServerInfo.redis("6.0.20");
    static final ServerInfo R62 = ServerInfo.redis("6.2.14");
    static final ServerInfo R70 = ServerInfo.redis("7.0.15");
    static final ServerInfo R74 = ServerInfo.redis("7.4.2");
    static final ServerInfo R80 = ServerInfo.redis("8.0.2");
    static final ServerInfo V80 = ServerInfo.valkey("8.0.2");
    static final ServerInfo V81 = ServerInfo.valkey("8.1.1");

    @Test
    void commandsTheTargetHasPassAsTheSameArray() throws Exception {
        String[][] same = {
                {"SET", "k", "v", "PXAT", "1"}, {"INCR", "k"}, {"LPOP", "l"}, {"RPOPLPUSH", "a", "b"}, {"XADD", "x", "MAXLEN", "=", "3", "1-1", "f", "v"},
                {"PEXPIREAT", "k", "5"}, {"ZADD", "z", "NX", "CH", "1", "m"}, {"XGROUP", "CREATE", "x", "g", "0"}, {"XSETID", "x", "5-0"},
                {"EVAL", "return 1", "0"}, {"restore", "k", "0", "payload"}, {"FLUSHALL", "ASYNC"}, {"HSET", "h", "f", "v"}};
        for (ServerInfo t : List.of(R60, R70, R80, V81)) {
            CommandDialect d = CommandDialect.forTarget(t);
            for (String[] c : same) {
                if (t == R60 && c[0].equals("SET")) continue;
                byte[][] a = args(c);
                assertSame(a, d.translate(a), t + ": " + String.join(" ", c));
            }
        }
        // the newest forms pass into targets that have them
        CommandDialect r80 = CommandDialect.forTarget(R80);
        for (String[] c : new String[][] {{"PEXPIREAT", "k", "5", "GT"}, {"LMOVE", "a", "b", "LEFT", "RIGHT"},
                {"HPEXPIREAT", "h", "5", "FIELDS", "1", "f"}, {"HSETEX", "h", "PXAT", "5", "FIELDS", "1", "f", "v"},
                {"FUNCTION", "LOAD", "x"}, {"XGROUP", "CREATECONSUMER", "x", "g", "c"}}) {
            byte[][] a = args(c);
            assertSame(a, r80.translate(a), String.join(" ", c));
        }
        byte[][] ifeq = args("SET", "k", "v", "IFEQ", "x");
        assertSame(ifeq, CommandDialect.forTarget(V81).translate(ifeq));
    }

    @Test
    void set() throws Exception {
        expect(R60, "SET k v PXAT 4102444800000", "EVAL <SET_PXAT> 1 k v 4102444800000");
        expect(R60, "SET k v NX EXAT 4102444800", "EVAL <SET_PXAT> 1 k v 4102444800000 NX");
        expect(R60, "SET k v GET", "SET k v");
        expect(R60, "SET k v XX KEEPTTL GET", "SET k v XX KEEPTTL");
        expect(R60, "SET k v PX 5000", "SET k v PX 5000");
        expect(R62, "SET k v PXAT 1", "SET k v PXAT 1");
        expect(R80, "SET k v IFEQ old", "SET k v");
        expect(R70, "SET k v IFEQ old KEEPTTL", "SET k v KEEPTTL");
        expect(V80, "SET k v IFEQ old", "SET k v");
        expect(R60, "SET k v IFEQ old", "SET k v");
        expect(V81, "SET k v IFEQ old", "SET k v IFEQ old");
    }

    @Test
    void lists() throws Exception {
        expect(R60, "LPOP l 3", "LTRIM l 3 -1");
        expect(R60, "RPOP l 3", "LTRIM l 0 -4");
        expect(R60, "rpop l 0", "LTRIM l 0 -1");
        expect(R60, "LPOP l", "LPOP l");
        expect(R62, "LPOP l 3", "LPOP l 3");
        expect(R60, "LMOVE a b RIGHT LEFT", "RPOPLPUSH a b");
        expect(R60, "LMOVE a b left right", "EVAL <LMOVE> 2 a b LEFT RIGHT");
        expect(R60, "LMOVE a a LEFT LEFT", "EVAL <LMOVE> 2 a a LEFT LEFT");
    }

    @Test
    void keysAndExpiries() throws Exception {
        expect(R60, "COPY a b", "EVAL <COPY> 2 a b  0");
        expect(R60, "COPY a b DB 3 REPLACE", "EVAL <COPY> 2 a b 3 1");
        expect(R60, "PEXPIREAT k 4102444800000 GT", "PEXPIREAT k 4102444800000");
        expect(R62, "PEXPIREAT k 4102444800000 NX", "PEXPIREAT k 4102444800000");
        expect(R60, "PEXPIRE k 5000 XX", "PEXPIRE k 5000");
        expect(R70, "PEXPIREAT k 5 LT", "PEXPIREAT k 5 LT");
        expect(R60, "FLUSHALL SYNC", "FLUSHALL");
        expect(R60, "FLUSHDB SYNC", "FLUSHDB");
        expect(R60, "SCRIPT FLUSH ASYNC", "SCRIPT FLUSH");
    }

    @Test
    void sortedSets() throws Exception {
        expect(R60, "ZADD z GT CH 5 a 6 b", "EVAL <ZADD_GT_LT> 1 z GT   5 a 6 b");
        expect(R60, "ZADD z XX LT INCR -1 a", "EVAL <ZADD_GT_LT> 1 z LT XX INCR -1 a");
        expect(R60, "ZADD z NX 1 a", "ZADD z NX 1 a");
        expect(R60, "ZRANGESTORE d s 0 -1", "EVAL <ZRANGESTORE> 2 d s ZRANGE 0 -1");
        expect(R60, "ZRANGESTORE d s 0 -1 REV", "EVAL <ZRANGESTORE> 2 d s ZREVRANGE 0 -1");
        expect(R60, "ZRANGESTORE d s (1 +inf BYSCORE LIMIT 1 2", "EVAL <ZRANGESTORE> 2 d s ZRANGEBYSCORE (1 +inf LIMIT 1 2");
        expect(R60, "ZRANGESTORE d s + [b BYLEX REV", "EVAL <ZRANGESTORE> 2 d s ZREVRANGEBYLEX + [b");
        expect(R60, "ZDIFFSTORE d 2 a b", "EVAL <ZDIFFSTORE> 3 d a b");
        expect(R60, "GEOSEARCHSTORE d s FROMMEMBER m BYRADIUS 10 km ASC COUNT 3 STOREDIST",
                "GEORADIUSBYMEMBER s m 10 km ASC COUNT 3 STOREDIST d");
        expect(R60, "GEOSEARCHSTORE d s FROMLONLAT 15 37 BYRADIUS 200 km", "GEORADIUS s 15 37 200 km STORE d");
        refused(R60, "GEOSEARCHSTORE d s FROMLONLAT 15 37 BYBOX 400 400 km", "GEOSEARCHSTORE");
        refused(R60, "GEOSEARCHSTORE d s FROMMEMBER m BYRADIUS 1 km COUNT 1 ANY", "GEOSEARCHSTORE");
        expect(R62, "ZADD z GT 5 a", "ZADD z GT 5 a");
    }

    @Test
    void streams() throws Exception {
        expect(R60, "XADD x NOMKSTREAM 1-1 f v", "XADD x 1-1 f v");
        expect(R60, "XADD x MAXLEN = 4 LIMIT 10 1-1 LIMIT NOMKSTREAM", "XADD x MAXLEN = 4 1-1 LIMIT NOMKSTREAM");
        expect(R60, "XADD x MINID = 0005 1-1 f v", "EVAL <XADD_MINID> 1 x 5-0 1-1 f v");
        expect(R60, "XADD x 1-1 MINID v", "XADD x 1-1 MINID v"); // a field named MINID
        expect(R60, "XTRIM x MINID = 1-3", "EVAL <XTRIM_MINID> 1 x 1-3");
        expect(R60, "XTRIM x MAXLEN = 0 LIMIT 5", "XTRIM x MAXLEN = 0");
        expect(R60, "XTRIM x MAXLEN = 0", "XTRIM x MAXLEN = 0");
        expect(R60, "XGROUP CREATECONSUMER x g c", "EVAL <CREATE_CONSUMER> 1 x g c");
        expect(R62, "XGROUP CREATECONSUMER x g c", "XGROUP CREATECONSUMER x g c");
        expect(R60, "XGROUP CREATE x g 0 MKSTREAM ENTRIESREAD 3", "XGROUP CREATE x g 0 MKSTREAM");
        expect(R62, "XGROUP SETID x g 1-1 ENTRIESREAD 3", "XGROUP SETID x g 1-1");
        expect(R70, "XGROUP SETID x g 1-1 ENTRIESREAD 3", "XGROUP SETID x g 1-1 ENTRIESREAD 3");
        expect(R60, "XSETID x 5-0 ENTRIESADDED 100 MAXDELETEDID 1-0", "XSETID x 5-0");
    }

    @Test
    void hashFieldTtls() throws Exception {
        expect(R70, "HSETEX h FIELDS 2 a 1 b 2", "HSET h a 1 b 2");
        expect(R70, "HSETEX h FNX KEEPTTL FIELDS 1 a 1", "HSET h a 1");
        expect(V81, "HSETEX h FXX FIELDS 1 a 1", "HSET h a 1");
        expect(R74, "HSETEX h FNX PXAT 4102444800000 FIELDS 1 a 1", "EVAL <HSET_EXPIRE> 1 h HPEXPIREAT 4102444800000 1 a 1");
        refused(R74, "HSETEX h KEEPTTL FIELDS 1 a 1", "HSETEX");
        refused(R70, "HSETEX h PXAT 4102444800000 FIELDS 1 a 1", "HSETEX");
        refused(V81, "HPEXPIREAT h 4102444800000 FIELDS 1 a", "HPEXPIREAT");
        refused(R70, "HPERSIST h FIELDS 1 a", "HPERSIST");
        expect(R74, "HPEXPIREAT h 5 FIELDS 1 a", "HPEXPIREAT h 5 FIELDS 1 a");
        refused(R70, "VADD v VALUES 2 1 2 m", "VADD");
    }

    @Test
    void functionsAreRefusedInOneLine() {
        TargetCannotStoreException e = assertThrows(TargetCannotStoreException.class,
                () -> CommandDialect.forTarget(R60).translate(args("FUNCTION", "LOAD", "#!lua name=x\n...")));
        assertEquals("the source replicated FUNCTION LOAD, which the target Redis 6.0.20 cannot apply and has no exact"
                + " equivalent for (FUNCTION LOAD|DELETE|FLUSH|RESTORE needs Redis 7.0+ or Valkey); stopping", e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        refused(R62, "function flush async", "FUNCTION FLUSH");
    }

    @Test
    void transactionsAreTranslatedPerCommand() throws Exception {
        CommandDialect d = CommandDialect.forTarget(R60);
        byte[][][] same = {args("INCR", "a"), args("SET", "b", "1")};
        assertSame(same, d.translate(same));
        byte[][][] tx = {args("INCR", "a"), args("LPOP", "l", "2")};
        byte[][][] out = d.translate(tx);
        assertSame(tx[0], out[0]);
        assertEquals("LTRIM l 2 -1", text(out[1]));
        assertEquals("LPOP l 2", text(tx[1]), "the input is not changed");
    }

    @Test
    void identityAndPrecheckDifferences() {
        assertFalse(CommandDialect.forTarget(R60).identity());
        List<String> forms = new ArrayList<>();
        for (DialectRule r : CommandDialect.differences(R70, R60)) forms.add(r.form());
        assertTrue(forms.contains("SET … PXAT|EXAT|GET") && forms.contains("FUNCTION LOAD|DELETE|FLUSH|RESTORE")
                && forms.contains("XGROUP CREATE|SETID … ENTRIESREAD"), forms.toString());
        assertFalse(forms.contains("SET … IFEQ") || forms.contains("HSETEX (refused with a TTL where the target has no field TTLs)"), forms.toString());
        assertTrue(CommandDialect.differences(R70, R70).isEmpty());
        assertTrue(CommandDialect.differences(R80, R80).isEmpty());
        assertTrue(CommandDialect.differences(V81, V81).isEmpty());
        assertEquals(List.of("SET … IFEQ"), CommandDialect.differences(V81, R80).stream().map(DialectRule::form).toList());
    }

    // ---- helpers

    private static void expect(ServerInfo target, String in, String out) throws Exception {
        byte[][] got = CommandDialect.forTarget(target).translate(args(in.split(" ")));
        assertEquals(out, text(got), target + ": " + in);
    }

    private static void refused(ServerInfo target, String in, String named) {
        TargetCannotStoreException e = assertThrows(TargetCannotStoreException.class,
                () -> CommandDialect.forTarget(target).translate(args(in.split(" "))), target + ": " + in);
        assertTrue(e.getMessage().contains("replicated " + named + ", which the target " + target.display()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    static byte[][] args(String... a) {
        byte[][] out = new byte[a.length][];
        for (int i = 0; i < a.length; i++) out[i] = a[i].getBytes(StandardCharsets.UTF_8);
        return out;
    }

    /** Space-joined, with script bodies named by their constant. */
    static String text(byte[][] a) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < a.length; i++) {
            if (i > 0) sb.append(' ');
            sb.append(i == 1 && DialectTranslations.word(a[0], "EVAL") ? scriptName(a[1]) : new String(a[i], StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    private static String scriptName(byte[] body) {
        for (java.lang.reflect.Field f : DialectScripts.class.getDeclaredFields()) {
            try {
                f.setAccessible(true);
                if (f.get(null) instanceof byte[] b && Arrays.equals(b, body)) return "<" + f.getName() + ">";
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        for (java.lang.reflect.Field f : DialectTranslations.class.getDeclaredFields()) {
            try {
                f.setAccessible(true);
                if (f.get(null) instanceof byte[] b && Arrays.equals(b, body) && !f.getName().equals("EVAL")) return "<" + f.getName() + ">";
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return "<?>";
    }
}
