package io.redismigrate.job;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@code redis-migrate run --mode full} on an embedded Flink MiniCluster between real servers and checks
 * the destination equals the source: DEBUG DIGEST, PEXPIRETIME, stream groups and pending entries, functions.
 */
class FullMigrationEndToEndTest {
    static final String LIBRARY = "#!lua name=mylib\nredis.register_function('echo1', function(keys, args) return args[1] end)";

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.execute(args, new PrintStream(out, true), new PrintStream(err, true));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String[] args(RedisServer source, RedisServer target, String... extra) {
        List<String> a = new ArrayList<>(List.of("run", "--source", source.uri(), "--target", target.uri(),
                "--mode", "full", "--web-ui-port", "0"));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    @ParameterizedTest(name = "repl-diskless-sync {0}")
    @ValueSource(strings = {"no", "yes"})
    void fullMigrationMakesTargetEqualToSource(String diskless) throws Exception {
        try (RedisServer source = RedisServer.start("--repl-diskless-sync", diskless);
             RedisServer target = RedisServer.start()) {
            TestData.populateAllTypes(source);
            source.call("FUNCTION", "LOAD", LIBRARY);
            Run r = run(args(source, target));
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("full migration done"), r.out());
            assertEqual(source, target);
        }
    }

    @Test
    void bigKeysGoThroughTheDecodingPathAndStayEqual() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            TestData.populateAllTypes(source);
            StringBuilder big = new StringBuilder();
            for (int i = 0; i < 20_000; i++) big.append("x").append(i);
            source.sync().set("big:string", big.toString());
            for (int i = 0; i < 5000; i++) source.sync().rpush("big:list", "item" + i);
            source.sync().pexpire("big:list", 7_200_000);
            Run r = run(args(source, target, "--big-key-threshold", "16kb"));
            assertEquals(0, r.exit(), r.err());
            assertEqual(source, target);
            assertEquals(source.call("PEXPIRETIME", "big:list"), target.call("PEXPIRETIME", "big:list"));
        }
    }

    static void assertEqual(RedisServer source, RedisServer target) {
        assertEquals(source.digest(), target.digest(), "DEBUG DIGEST");
        assertEquals(source.call("DBSIZE"), target.call("DBSIZE"));
        for (int db : new int[] {0, 3}) {
            source.sync().select(db);
            target.sync().select(db);
            String p = "db" + db + ":";
            assertEquals(source.call("PEXPIRETIME", p + "ttl"), target.call("PEXPIRETIME", p + "ttl"));
            assertEquals(source.call("XINFO", "GROUPS", p + "stream").toString(), target.call("XINFO", "GROUPS", p + "stream").toString());
            assertEquals(source.call("XPENDING", p + "stream", "g1").toString(), target.call("XPENDING", p + "stream", "g1").toString());
        }
        source.sync().select(0);
        target.sync().select(0);
        assertEquals(source.call("FUNCTION", "LIST").toString(), target.call("FUNCTION", "LIST").toString());
    }
}
