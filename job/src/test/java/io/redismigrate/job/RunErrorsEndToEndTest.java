package io.redismigrate.job;

import io.redismigrate.connector.testutils.RedisServer;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;

import static io.redismigrate.job.FullMigrationEndToEndTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Expected failures of {@code run}: one line on stderr naming the cause and the fix, the right exit code, within
 * seconds, no stack trace, and never a password.
 */
class RunErrorsEndToEndTest {
    static final String SECRET = "s3cr3t-Pa55";

    static FullMigrationEndToEndTest.Run runFull(String source, String target, String... extra) {
        String[] base = {"run", "--source", source, "--target", target, "--mode", "full", "--web-ui-port", "0"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run(all));
    }

    static void assertOneLine(FullMigrationEndToEndTest.Run r, int exit, String... fragments) {
        assertEquals(exit, r.exit(), r.err());
        String err = r.err().trim();
        assertFalse(err.contains("\n"), "expected one line, got: " + err);
        assertFalse(err.contains("\tat "), "stack trace in: " + err);
        assertFalse((r.out() + r.err()).contains(SECRET), "password leaked: " + err);
        for (String f : fragments) assertTrue(err.contains(f), "'" + f + "' not in: " + err);
    }

    /** Waits (up to 60 s) until the INFO field starting with {@code prefix} satisfies {@code test}. */
    static void awaitInfo(RedisServer s, String section, String prefix, java.util.function.Predicate<String> test)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            for (String line : s.sync().info(section).split("\r?\n")) {
                if (line.startsWith(prefix) && test.test(line.substring(prefix.length()).trim())) return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("INFO " + section + " never showed " + prefix + " as expected");
    }

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void unreachableSourceExitsWith3() throws Exception {
        try (RedisServer target = RedisServer.start()) {
            FullMigrationEndToEndTest.Run r = runFull("redis://:" + SECRET + "@127.0.0.1:" + closedPort(), target.uri());
            assertOneLine(r, 3, "source", "unreachable");
        }
    }

    @Test
    void unreachableTargetExitsWith3() throws Exception {
        try (RedisServer source = RedisServer.start()) {
            FullMigrationEndToEndTest.Run r = runFull(source.uri(), "redis://:" + SECRET + "@127.0.0.1:" + closedPort());
            assertOneLine(r, 3, "target", "unreachable");
        }
    }

    @Test
    void wrongSourcePasswordExitsWith3WithoutShowingIt() throws Exception {
        try (RedisServer source = RedisServer.start("--requirepass", "right-one"); RedisServer target = RedisServer.start()) {
            FullMigrationEndToEndTest.Run r = runFull(source.uri(null, SECRET), target.uri());
            assertOneLine(r, 3, "source", "refused");
        }
    }

    @Test
    void missingSourcePasswordSaysNoauth() throws Exception {
        try (RedisServer source = RedisServer.start("--requirepass", SECRET); RedisServer target = RedisServer.start()) {
            FullMigrationEndToEndTest.Run r = runFull(source.uri(), target.uri());
            assertOneLine(r, 3, "NOAUTH");
        }
    }

    @Test
    void aclUserWithoutPsyncPermissionExitsWith3AndSaysHowToGrantIt() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            source.call("ACL", "SETUSER", "bob", "on", ">" + SECRET, "~*", "&*", "+@all", "-psync", "-sync");
            FullMigrationEndToEndTest.Run r = runFull(source.uri("bob", SECRET), target.uri());
            assertOneLine(r, 3, "bob", "psync");
        }
    }

    @Test
    void destinationOutOfMemoryFailsTheJobWithOneLine() throws Exception {
        try (RedisServer source = RedisServer.start();
             RedisServer target = RedisServer.start("--maxmemory", "3mb", "--maxmemory-policy", "noeviction")) {
            source.call("DEBUG", "POPULATE", "200000", "key", "64");
            FullMigrationEndToEndTest.Run r = runFull(source.uri(), target.uri(), "--conflict", "overwrite", "--retry-other", "0s");
            assertOneLine(r, 1, "out of memory", "maxmemory");
            assertFalse(r.out().contains("done"), "no success may be reported: " + r.out());
        }
    }

    @Test
    void destinationOutOfMemoryIsRetriedWithinTheRetryWindowThenSucceeds() throws Exception {
        try (RedisServer source = RedisServer.start();
             RedisServer target = RedisServer.start("--maxmemory", "3mb", "--maxmemory-policy", "noeviction")) {
            source.call("DEBUG", "POPULATE", "100000", "key", "64");
            Thread operator = new Thread(() -> {
                try {
                    awaitInfo(target, "errorstats", "errorstat_OOM:", v -> true);
                    Thread.sleep(2000);
                } catch (InterruptedException ignored) {
                    return;
                }
                target.call("CONFIG", "SET", "maxmemory", "0"); // the operator makes room
            });
            operator.start();
            FullMigrationEndToEndTest.Run r = assertTimeoutPreemptively(Duration.ofSeconds(90), () -> run(
                    "run", "--source", source.uri(), "--target", target.uri(), "--mode", "full", "--web-ui-port", "0",
                    "--retry-other", "2m"));
            operator.join();
            assertEquals(0, r.exit(), r.err() + r.out());
            assertTrue(r.out().contains("retrying"), "out: " + r.out() + " err: " + r.err());
            assertEquals(source.digest(), target.digest());
        }
    }

    @Test
    void sourceDyingDuringTheSnapshotFailsTheJobWithOneLine() throws Exception {
        try (RedisServer source = RedisServer.start("--rdb-key-save-delay", "200"); RedisServer target = RedisServer.start()) {
            source.call("DEBUG", "POPULATE", "20000", "key", "64");
            Thread killer = new Thread(() -> {
                try {
                    awaitInfo(source, "persistence", "rdb_bgsave_in_progress:", "1"::equals);
                    Thread.sleep(500);
                } catch (InterruptedException ignored) {
                    return;
                }
                source.close();
            });
            killer.start();
            FullMigrationEndToEndTest.Run r = runFull(source.uri(), target.uri(), "--retry-connect", "0s");
            killer.join();
            assertOneLine(r, 1, "source");
            assertFalse(r.out().contains("done"), "no success may be reported: " + r.out());
        }
    }
}
