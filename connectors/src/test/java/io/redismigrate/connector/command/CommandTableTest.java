package io.redismigrate.connector.command;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.ServerVersion;
import io.redismigrate.connector.testutils.ServerVersions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command model against the server's own description of its commands: for one invocation of every write
 * command the table lists, {@code COMMAND GETKEYS} must name the same keys, and on Redis ≥ 7
 * {@code COMMAND GETKEYSANDFLAGS} must mark as written (OW/RW/RM) exactly the keys the table says are written.
 */
class CommandTableTest {
    /** One invocation per command (keys named k1, k2…; DBs and counts chosen so the server accepts the syntax). */
    static final String[] INVOCATIONS = {
        "APPEND k1 v", "DECR k1", "DECRBY k1 2", "GETDEL k1", "GETEX k1 PX 100", "GETSET k1 v", "INCR k1", "INCRBY k1 2",
        "INCRBYFLOAT k1 1.5", "PSETEX k1 100 v", "SET k1 v PX 100", "SETEX k1 10 v", "SETNX k1 v", "SETRANGE k1 0 v",
        "SETBIT k1 7 1", "BITFIELD k1 SET u8 0 1", "EXPIRE k1 10", "EXPIREAT k1 10", "PEXPIRE k1 10", "PEXPIREAT k1 10",
        "PERSIST k1", "RESTORE k1 0 payload REPLACE", "LPUSH k1 a", "RPUSH k1 a", "LPUSHX k1 a", "RPUSHX k1 a",
        "LINSERT k1 BEFORE a b", "LSET k1 0 a", "LTRIM k1 0 1", "LREM k1 0 a", "LPOP k1", "RPOP k1", "SADD k1 a", "SREM k1 a",
        "SPOP k1", "ZADD k1 1 a", "ZINCRBY k1 1 a", "ZREM k1 a", "ZREMRANGEBYLEX k1 - +", "ZREMRANGEBYRANK k1 0 1",
        "ZREMRANGEBYSCORE k1 0 1", "ZPOPMIN k1", "ZPOPMAX k1", "HSET k1 f v", "HSETNX k1 f v", "HMSET k1 f v", "HDEL k1 f",
        "HINCRBY k1 f 1", "HINCRBYFLOAT k1 f 1.5", "PFADD k1 a", "GEOADD k1 1 2 a", "XADD k1 * f v", "XDEL k1 1-1",
        "XTRIM k1 MAXLEN 10", "XSETID k1 1-1", "XACK k1 g 1-1", "XCLAIM k1 g c 0 1-1", "XAUTOCLAIM k1 g c 0 0",
        "HEXPIRE k1 10 FIELDS 1 f", "HPEXPIRE k1 10 FIELDS 1 f", "HEXPIREAT k1 10 FIELDS 1 f", "HPEXPIREAT k1 10 FIELDS 1 f",
        "HPERSIST k1 FIELDS 1 f", "HGETDEL k1 FIELDS 1 f", "HGETEX k1 PX 10 FIELDS 1 f", "HSETEX k1 PX 10 FIELDS 1 f v",
        "DEL k1 k2 k3", "UNLINK k1 k2", "PFCOUNT k1 k2", "RENAME k1 k2", "RENAMENX k1 k2", "RPOPLPUSH k1 k2",
        "BRPOPLPUSH k1 k2 0", "LMOVE k1 k2 LEFT RIGHT", "BLMOVE k1 k2 LEFT RIGHT 0", "SMOVE k1 k2 a", "TOUCH k1 k2",
        "MSET k1 a k2 b", "MSETNX k1 a k2 b", "SDIFFSTORE k1 k2 k3", "SINTERSTORE k1 k2 k3", "SUNIONSTORE k1 k2 k3",
        "PFMERGE k1 k2 k3", "ZRANGESTORE k1 k2 0 1", "GEOSEARCHSTORE k1 k2 FROMLONLAT 1 2 BYRADIUS 1 km",
        "BITOP AND k1 k2 k3", "ZUNIONSTORE k1 2 k2 k3 WEIGHTS 1 2", "ZINTERSTORE k1 2 k2 k3", "ZDIFFSTORE k1 2 k2 k3",
        "BLPOP k1 k2 0", "BRPOP k1 k2 0", "BZPOPMIN k1 k2 0", "BZPOPMAX k1 k2 0", "LMPOP 2 k1 k2 LEFT", "ZMPOP 2 k1 k2 MIN",
        "BLMPOP 0 2 k1 k2 LEFT", "BZMPOP 0 2 k1 k2 MIN", "SINTERCARD 2 k1 k2", "EVAL return 2 k1 k2 a",
        "EVALSHA 0123456789012345678901234567890123456789 2 k1 k2 a", "FCALL f 2 k1 k2 a", "SORT k1 BY w STORE k2",
        "GEORADIUS k1 1 2 1 km STORE k2", "GEORADIUSBYMEMBER k1 a 1 km STOREDIST k2", "XGROUP CREATE k1 g $",
        "MOVE k1 3", "COPY k1 k2 DB 3 REPLACE", "SPUBLISH k1 m",
    };

    static List<ServerVersion> versions() {
        return ServerVersions.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void keysMatchCommandGetkeysOfTheServer(ServerVersion v) throws Exception {
        try (RedisServer server = RedisServer.start(v)) {
            checkAgainst(server);
        }
    }

    /** Checks every invocation the server knows against its COMMAND GETKEYS (and GETKEYSANDFLAGS where it has it). */
    static void checkAgainst(RedisServer s) {
        boolean flags = RedisServerVersion.atLeast(s, 7.0);
        int checked = 0;
        List<String> skipped = new ArrayList<>();
        for (String inv : INVOCATIONS) {
            String[] words = inv.split(" ");
            if (!known(s, words[0])) {
                skipped.add(words[0]);
                continue;
            }
            byte[][] args = bytes(words);
            CommandSpec spec = CommandTable.of(args[0]);
            List<String> ours = new ArrayList<>();
            for (byte[] k : CommandTable.keys(args)) ours.add(new String(k, StandardCharsets.UTF_8));
            List<String> theirs = new ArrayList<>();
            if (words[0].equals("SPUBLISH")) {
                theirs.add("k1"); // a channel, not a key (the server says so): routed like one on a cluster
            } else {
                try {
                    for (Object o : call(s, "COMMAND", "GETKEYS", words)) theirs.add(String.valueOf(o));
                } catch (RuntimeException e) {
                    throw new AssertionError(inv + ": COMMAND GETKEYS failed: " + e.getMessage(), e);
                }
            }
            if (!flags) {
                // Redis 6 lists a destination key after the numkeys keys (ZUNIONSTORE): compare as sets of keys there
                theirs.sort(null);
                ours.sort(null);
            }
            assertEquals(theirs, ours, inv + ": keys");
            if (flags && !words[0].equals("SPUBLISH")) {
                List<Object> kf = call(s, "COMMAND", "GETKEYSANDFLAGS", words);
                int[] idx = spec.keyIndexes(args);
                for (int i = 0; i < kf.size(); i++) {
                    List<?> entry = (List<?>) kf.get(i);
                    String f = String.valueOf(entry.get(1));
                    boolean writes = f.contains("OW") || f.contains("RW") || f.contains("RM");
                    assertEquals(writes, spec.writesKey(i, idx.length), inv + ": key " + entry.get(0) + " flags " + f);
                }
            }
            checked++;
        }
        System.out.println("CommandTableTest on redis " + RedisServerVersion.of(s) + ": " + checked
                + " invocations checked, not on this version: " + skipped);
        assertTrue(checked > 60, "too few commands checked: " + checked);
    }

    @Test
    void everyTableEntryHasAnInvocation() {
        java.util.Set<String> covered = new java.util.HashSet<>();
        for (String inv : INVOCATIONS) covered.add(inv.split(" ")[0]);
        List<String> missing = new ArrayList<>();
        for (String n : CommandTable.names()) {
            CommandSpec s = CommandTable.of(n.getBytes(StandardCharsets.US_ASCII));
            boolean keyed = s.kind() == CommandSpec.Kind.KEYED || s.kind() == CommandSpec.Kind.MOVE || s.kind() == CommandSpec.Kind.COPY;
            if (keyed && !covered.contains(n) && !n.equals("RESTORE-ASKING") && !n.equals("PFDEBUG")
                    && !n.endsWith("_RO") && !n.equals("XGROUP")) {
                missing.add(n);
            }
        }
        assertEquals(List.of(), missing, "table entries without an invocation checked against the server");
    }

    @Test
    void unknownCommandsNameNoKeys() {
        byte[][] args = bytes(new String[] {"JSON.SET", "k", "$", "1"});
        assertEquals(CommandSpec.Kind.UNKNOWN, CommandTable.of(args[0]).kind());
        assertEquals(0, CommandTable.keys(args).size());
        assertEquals("k", new String(CommandTable.firstKey(args), StandardCharsets.UTF_8), "routing guess only");
    }

    private static boolean known(RedisServer s, String name) {
        List<Object> info = s.call("COMMAND", "INFO", name);
        return !info.isEmpty() && info.get(0) != null;
    }

    private static List<Object> call(RedisServer s, String cmd, String sub, String[] words) {
        String[] a = new String[words.length + 2];
        a[0] = cmd;
        a[1] = sub;
        System.arraycopy(words, 0, a, 2, words.length);
        return s.call(a);
    }

    private static byte[][] bytes(String[] words) {
        byte[][] b = new byte[words.length][];
        for (int i = 0; i < words.length; i++) b[i] = words[i].getBytes(StandardCharsets.UTF_8);
        return b;
    }

    /** Version of a running server (INFO server). */
    static final class RedisServerVersion {
        static String of(RedisServer s) {
            for (String line : s.sync().info("server").split("\r?\n")) {
                if (line.startsWith("redis_version:")) return line.substring(14).trim();
            }
            return "?";
        }

        static boolean atLeast(RedisServer s, double v) {
            String[] p = of(s).split("\\.");
            return Double.parseDouble(p[0] + "." + p[1]) >= v;
        }
    }
}
