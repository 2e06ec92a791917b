package io.redismigrate.job;

import io.redismigrate.connector.testutils.RedisServer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class MainTest {

    /** Exit code, stdout and stderr of one invocation. */
    public record Run(int code, String out, String err) {
        /** stderr holds exactly one line. */
        public void assertOneLine() {
            assertEquals(1, err.lines().count(), "stderr: " + err);
            assertFalse(err.contains("\tat "), "stack trace on stderr: " + err);
        }
    }

    public static Run run(boolean debug, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), debug);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    public static Run run(String... args) {
        return run(false, args);
    }

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("redis-migrate run"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void noArgumentsIsAUsageError() {
        Run r = run();
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Usage:"));
    }

    @Test
    void usageErrorIsOneLineWithAHint() {
        Run r = run("run", "--source", "redis://127.0.0.1:7001", "--target", "redis://127.0.0.1:7002", "--mode", "fast");
        assertEquals(2, r.code());
        r.assertOneLine();
        assertEquals("redis-migrate: --mode must be full, full+incremental or incremental (got 'fast') (see redis-migrate --help)",
                r.err().trim());
    }

    @Test
    void unreachableSourceExitsThree() throws Exception {
        int port = closedPort();
        Run r = run("precheck", "--source", "redis://:hunter2@127.0.0.1:" + port, "--target", "redis://127.0.0.1:1");
        assertEquals(3, r.code());
        r.assertOneLine();
        assertTrue(r.err().contains("source 127.0.0.1:" + port + " is unreachable"), r.err());
        assertFalse(r.err().contains("hunter2"));
    }

    @Test
    void refusedPasswordExitsThreeWithoutShowingIt() throws Exception {
        try (RedisServer source = RedisServer.start("--requirepass", "right-one");
             RedisServer target = RedisServer.start()) {
            Run r = run("verify", "--source", source.uri(null, "wrong-one"), "--target", target.uri());
            assertEquals(3, r.code());
            r.assertOneLine();
            assertTrue(r.err().contains("refused the password"), r.err());
            assertFalse(r.err().contains("wrong-one") || r.err().contains("right-one"), r.err());
            Run missing = run("verify", "--source", source.uri(), "--target", target.uri());
            assertEquals(3, missing.code());
            assertTrue(missing.err().contains("requires a password"), missing.err());
        }
    }

    @Test
    void unexpectedFailuresExitOneWithTheRootCauseAndStackOnlyInDebug() {
        Throwable t = new RuntimeException("wrapper", new IllegalStateException("disk full\nsecond line redis://u:pw@h:1"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, Main.report(t, new PrintStream(err, true, StandardCharsets.UTF_8), false));
        assertEquals("redis-migrate: failed: disk full second line redis://***@h:1", err.toString(StandardCharsets.UTF_8).trim());

        ByteArrayOutputStream debugErr = new ByteArrayOutputStream();
        assertEquals(1, Main.report(t, new PrintStream(debugErr, true, StandardCharsets.UTF_8), true));
        assertTrue(debugErr.toString(StandardCharsets.UTF_8).contains("\tat "), "stack trace in debug mode");
    }

    @Test
    void wrappedAccessAndPrecheckFailuresKeepTheirExitCode() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream p = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(3, Main.report(new RuntimeException("job failed",
                new io.redismigrate.connector.resp.RedisAccessException("target h:1 refused the password")), p, false));
        assertEquals(3, Main.report(new io.redismigrate.job.precheck.PrecheckFailedException("precheck failed: x"), p, false));
        assertEquals(2, Main.report(new RuntimeException(new UsageException("bad")), p, false));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("redis-migrate: target h:1 refused the password"));
    }

    @Test
    void everySubcommandIsRegistered() {
        assertEquals(java.util.Set.of("run", "precheck", "verify", "status"), Main.COMMANDS.keySet());
    }

    /**
     * Every printable character inside a password, through the command line's error paths (bad URI, bad port,
     * unreachable node, a stray argument, an unknown option value): never printed.
     */
    @Test
    void noErrorPathPrintsThePasswordWhateverItsCharacters() throws Exception {
        int closed = closedPort();
        for (char c = 0x21; c < 0x7f; c++) {
            String pw = "Zq" + c + "k7" + c + "W";
            String enc = java.net.URLEncoder.encode(pw, StandardCharsets.UTF_8).replace("+", "%20");
            for (String p : java.util.List.of(pw, enc)) {
                java.util.List<String[]> cases = java.util.List.of(
                        new String[] {"precheck", "--source", "redis://:" + p + "@", "--target", "redis://127.0.0.1:1"},
                        new String[] {"precheck", "--source", "redis://u:" + p + "@h:port", "--target", "redis://127.0.0.1:1"},
                        new String[] {"precheck", "--source", "redis://:" + p + "@127.0.0.1:" + closed, "--target", "redis://127.0.0.1:1"},
                        new String[] {"run", "redis://:" + p + "@127.0.0.1:1", "--source", "redis://127.0.0.1:1"},
                        new String[] {"run", "--source", "redis://:" + p + "@127.0.0.1:1", "--target", "redis://127.0.0.1:2", "--mode", "x"});
                for (String[] args : cases) {
                    Run r = run(args);
                    String all = r.out() + r.err();
                    assertFalse(all.contains(pw) || all.contains(enc) || all.contains(c + "k7" + c),
                            "password shown for " + String.join(" ", args) + ": " + all);
                }
            }
        }
    }
}
