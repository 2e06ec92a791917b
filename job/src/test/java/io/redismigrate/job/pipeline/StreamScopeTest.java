package io.redismigrate.job.pipeline;

import io.redismigrate.connector.event.KeyRef;
import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.job.MigrationOptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scope rules of the stream phase, command class × scope situation → what the target receives. */
class StreamScopeTest {
    private static StreamScope scope(String... opts) {
        return scope(false, opts);
    }

    private static StreamScope scope(boolean cluster, String... opts) {
        List<String> a = new ArrayList<>(List.of("run", "--source", "redis://127.0.0.1:1", "--target", "redis://127.0.0.1:2"));
        a.addAll(List.of(opts));
        try {
            return new StreamScope(MigrationOptions.parse(a.toArray(new String[0])), cluster);
        } catch (io.redismigrate.job.UsageException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static RedisEvent cmd(int db, String line) {
        byte[][] args = args(line);
        return RedisEvent.streamCommand("s", 100, db, args.length > 1 ? args[1] : null, args);
    }

    private static RedisEvent tx(int db, String... lines) {
        byte[][][] c = new byte[lines.length][][];
        for (int i = 0; i < lines.length; i++) c[i] = args(lines[i]);
        return RedisEvent.transaction("s", 100, db, null, c);
    }

    private static byte[][] args(String line) {
        String[] w = line.split(" ");
        byte[][] b = new byte[w.length][];
        for (int i = 0; i < w.length; i++) b[i] = w[i].getBytes(StandardCharsets.UTF_8);
        return b;
    }

    /** "db<target>: <command>" for a COMMAND, "db<t>: a | b" for a TRANSACTION, "refresh [...]" or null. */
    private static String show(RedisEvent e) {
        if (e == null) return null;
        if (e.refresh()) {
            List<String> k = new ArrayList<>();
            for (KeyRef r : e.refreshKeys()) k.add(r.sourceDb() + ">" + r.targetDb() + ":" + new String(r.key(), StandardCharsets.UTF_8));
            return "refresh " + k;
        }
        if (e.kind() == RedisEvent.Kind.TRANSACTION) {
            List<String> c = new ArrayList<>();
            for (byte[][] a : e.commands()) c.add(line(a));
            return "db" + e.db() + ": " + String.join(" | ", c);
        }
        return "db" + e.db() + ": " + line(e.args());
    }

    private static String line(byte[][] a) {
        List<String> w = new ArrayList<>();
        for (byte[] x : a) w.add(new String(x, StandardCharsets.UTF_8));
        return String.join(" ", w);
    }

    @Test
    void keyedCommandsAreDecidedOnEveryKey() {
        StreamScope s = scope("--include-prefix", "user:");
        assertEquals("db0: SET user:1 a", show(s.apply(cmd(0, "SET user:1 a"))));
        assertNull(s.apply(cmd(0, "SET tmp:1 a")));
        // written key in scope, read key out: the target cannot compute it, so it is copied from the source
        assertEquals("refresh [0>0:user:1]", show(s.apply(cmd(0, "RENAME tmp:x user:1"))));
        // both written (the source key loses its value): only the in-scope one is copied
        assertEquals("refresh [0>0:user:1]", show(s.apply(cmd(0, "RENAME user:1 tmp:x"))));
        assertEquals("refresh [0>0:user:agg]", show(s.apply(cmd(0, "SUNIONSTORE user:agg tmp:a user:b"))));
        // the in-scope key is only read: nothing in scope changes
        assertNull(s.apply(cmd(0, "SUNIONSTORE tmp:agg user:a user:b")));
        assertEquals("db0: ZUNIONSTORE user:z 2 user:a user:b", show(s.apply(cmd(0, "ZUNIONSTORE user:z 2 user:a user:b"))));
        assertEquals("refresh [0>0:user:z]", show(s.apply(cmd(0, "ZUNIONSTORE user:z 2 user:a tmp:b"))));
        assertEquals("refresh [0>0:user:x]", show(s.apply(cmd(0, "BITOP OR user:x tmp:a"))));
        assertEquals("refresh [0>0:user:a, 0>0:user:b]", show(s.apply(cmd(0, "EVAL x 3 user:a tmp:b user:b"))));
        assertEquals("refresh [0>0:user:d]", show(s.apply(cmd(0, "LMOVE tmp:s user:d LEFT RIGHT"))));
        assertEquals("db0: DEL user:a user:b", show(s.apply(cmd(0, "DEL user:a user:b"))));
        assertEquals("refresh [0>0:user:a]", show(s.apply(cmd(0, "DEL user:a tmp:b"))));
        assertEquals("refresh [0>0:user:s]", show(s.apply(cmd(0, "SORT tmp:l STORE user:s"))));
    }

    @Test
    void dbArgumentsFollowTheScope() {
        StreamScope s = scope("--db", "0,1", "--db-map", "1:4");
        assertEquals("db0: MOVE k 4", show(s.apply(cmd(0, "MOVE k 1"))));
        assertEquals("db0: DEL k", show(s.apply(cmd(0, "MOVE k 5"))), "moved out of scope: gone from the scope");
        assertEquals("refresh [1>4:k]", show(s.apply(cmd(5, "MOVE k 1"))), "moved into scope: copied");
        assertNull(s.apply(cmd(5, "MOVE k 6")));
        assertEquals("db0: COPY a b DB 4", show(s.apply(cmd(0, "COPY a b DB 1"))));
        assertEquals("db4: COPY a b", show(s.apply(cmd(1, "COPY a b"))));
        assertNull(s.apply(cmd(0, "COPY a b DB 5")), "the copy lands out of scope");
        assertEquals("refresh [0>0:b]", show(s.apply(cmd(5, "COPY a b DB 0"))));
        assertEquals("db0: SWAPDB 0 4", show(s.apply(cmd(0, "SWAPDB 0 1"))));
        assertNull(s.apply(cmd(0, "SWAPDB 5 6")));
        ScopeException x = assertThrows(ScopeException.class, () -> s.apply(cmd(0, "SWAPDB 0 5")));
        assertTrue(x.getMessage().contains("SWAPDB 0 5") && x.getMessage().contains("out of scope"), x.getMessage());
        assertEquals("db4: FLUSHDB", show(s.apply(cmd(1, "FLUSHDB"))));
        assertNull(s.apply(cmd(5, "FLUSHDB")));
        assertEquals("db0: FLUSHALL", show(s.apply(cmd(5, "FLUSHALL"))), "FLUSHALL whatever DB is selected");
    }

    @Test
    void mergedDbsStopWhatCannotBeToldApart() {
        StreamScope s = scope("--db-map", "3:0");
        assertNull(s.apply(cmd(0, "MOVE k 3")), "both land in target db 0: the key stays");
        ScopeException f = assertThrows(ScopeException.class, () -> s.apply(cmd(3, "FLUSHDB")));
        assertTrue(f.getMessage().contains("FLUSHDB of source db 3") && f.getMessage().contains("way out"), f.getMessage());
        assertThrows(ScopeException.class, () -> s.apply(cmd(0, "FLUSHDB")));
        assertThrows(ScopeException.class, () -> s.apply(cmd(0, "SWAPDB 0 3")));
        assertEquals("db0: FLUSHDB", show(scope("--db", "3", "--db-map", "3:0").apply(cmd(3, "FLUSHDB"))),
                "db 0 out of scope: nothing merged");
    }

    @Test
    void transactionsAreDecidedPerCommandAfterEveryInnerSelect() {
        StreamScope s = scope("--db", "3", "--db-map", "3:7");
        // Redis ≥ 7.2: the DB changes inside MULTI/EXEC (the DB before MULTI is out of scope)
        assertEquals("db7: SET a 1 | INCR b", show(s.apply(tx(0, "SELECT 3", "SET a 1", "INCR b"))));
        assertEquals("db7: SET a 1", show(s.apply(tx(3, "SET a 1", "SELECT 0", "INCR b"))));
        assertNull(s.apply(tx(3, "SELECT 0", "SET a 1")));
        StreamScope all = scope("--db-map", "1:5");
        assertEquals("db0: SET a 1 | SELECT 5 | SET b 1 | SELECT 0 | SET c 1",
                show(all.apply(tx(0, "SET a 1", "SELECT 1", "SET b 1", "SELECT 0", "SET c 1"))));
        // a transaction crossing the edge is copied whole: every in-scope key it writes
        StreamScope p = scope("--include-prefix", "user:");
        assertEquals("refresh [0>0:user:1, 0>0:user:2]",
                show(p.apply(tx(0, "RENAME tmp:x user:1", "LPUSH user:2 a", "SET tmp:y 1"))));
        assertEquals("db0: LPUSH user:2 a", show(p.apply(tx(0, "SET tmp:y 1", "LPUSH user:2 a"))));
        assertThrows(ScopeException.class, () -> p.apply(tx(0, "SET user:a 1", "FLUSHDB")));
        assertThrows(ScopeException.class, () -> p.apply(tx(0, "RENAME tmp:x user:1", "FUNCTION FLUSH")));
    }

    @Test
    void unknownCommandsAreNeverDroppedSilently() {
        assertEquals("db0: JSON.SET k $ 1", show(scope().apply(cmd(0, "JSON.SET k $ 1"))));
        assertEquals("db2: JSON.SET k $ 1", show(scope("--db", "1", "--db-map", "1:2").apply(cmd(1, "JSON.SET k $ 1"))));
        assertNull(scope("--db", "1").apply(cmd(0, "JSON.SET k $ 1")), "its DB is out of scope");
        ScopeException x = assertThrows(ScopeException.class, () -> scope("--include-prefix", "user:").apply(cmd(0, "JSON.SET user:1 $ 1")));
        assertTrue(x.getMessage().contains("unknown command JSON.SET"), x.getMessage());
    }

    @Test
    void serverWideCommandsAndMessages() {
        assertEquals("db0: FUNCTION LOAD code", show(scope("--db", "3").apply(cmd(0, "FUNCTION LOAD code"))));
        assertEquals("db0: PUBLISH ch m", show(scope("--db", "3").apply(cmd(0, "PUBLISH ch m"))));
        assertNull(scope("--publish", "off").apply(cmd(0, "PUBLISH ch m")));
        // whatever DB the source client had selected (a cluster target has only DB 0)
        assertEquals("db0: FUNCTION DELETE lib", show(scope("--db-map", "1:4").apply(cmd(1, "FUNCTION DELETE lib"))));
        assertEquals("db0: SPUBLISH ch m", show(scope(true, "--db-map", "1:4").apply(cmd(1, "SPUBLISH ch m"))));
    }

    @Test
    void clusterTargetsRefuseFlushesInsideTransactions() {
        assertThrows(ScopeException.class, () -> scope(true).apply(tx(0, "SET a 1", "FLUSHALL")));
        assertEquals("db0: SET a 1 | FLUSHALL", show(scope().apply(tx(0, "SET a 1", "FLUSHALL"))));
    }
}
