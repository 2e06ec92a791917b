package io.redismigrate.job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The options of {@code status}, and {@code --progress} of {@code run}. */
class StatusOptionsTest {
    private static final String SRC = "redis://127.0.0.1:7001";
    private static final String TGT = "redis://127.0.0.1:7002";

    @TempDir
    Path dir;

    private static String error(String... args) {
        return assertThrows(UsageException.class, () -> MigrationOptions.parse(args)).getMessage();
    }

    @Test
    void statusDefaults() throws Exception {
        MigrationOptions o = MigrationOptions.parse("status");
        assertEquals("http://127.0.0.1:8081", o.restUrl());
        assertNull(o.jobId());
        assertFalse(o.waitCaughtUp());
        assertNull(o.maxLag());
        assertEquals(Duration.ofMinutes(10), o.statusTimeout());
        assertNull(o.source());
    }

    @Test
    void statusOptions() throws Exception {
        MigrationOptions o = MigrationOptions.parse("status", "--rest", "http://jm.example:8081/", "--job",
                "0123456789ABCDEF0123456789abcdef", "--wait-caught-up", "--max-lag", "1s", "--timeout", "60s");
        assertEquals("http://jm.example:8081", o.restUrl());
        assertEquals("0123456789abcdef0123456789abcdef", o.jobId());
        assertTrue(o.waitCaughtUp());
        assertEquals(Duration.ofSeconds(1), o.maxLag());
        assertEquals(Duration.ofSeconds(60), o.statusTimeout());
        assertEquals("http://127.0.0.1:9999", MigrationOptions.parse("status", "--web-ui-port", "9999").restUrl());
    }

    @Test
    void aConfigFileSharedWithRunWorksForStatus() throws Exception {
        Path f = dir.resolve("m.yaml");
        Files.writeString(f, "source: " + SRC + "\ntarget: " + TGT + "\nweb-ui-port: 8090\nprogress: plain\n"
                + "wait-caught-up: true\nmax-lag: 2s\ntimeout: 5m\n");
        MigrationOptions status = MigrationOptions.parse("status", "--config", f.toString());
        assertEquals("http://127.0.0.1:8090", status.restUrl());
        assertTrue(status.waitCaughtUp());
        assertEquals(Duration.ofSeconds(2), status.maxLag());
        MigrationOptions run = MigrationOptions.parse("run", "--config", f.toString());
        assertEquals(MigrationOptions.ProgressMode.PLAIN, run.progress());
    }

    @Test
    void badStatusOptions() {
        assertEquals("--job must be a Flink job id (32 hex digits, got 'abc')", error("status", "--job", "abc"));
        assertEquals("--rest must be an http:// or https:// URL (got 'jm:8081')", error("status", "--rest", "jm:8081"));
        String secret = error("status", "--rest", "http://admin:s3cret@jm:8081");
        assertEquals("--rest: a URL with credentials (user:password@) is not supported; give http://HOST:PORT of the"
                + " JobManager's REST API", secret);
        assertEquals("--web-ui-port 0 means the job serves no REST API; give the job's --rest URL",
                error("status", "--web-ui-port", "0"));
        assertEquals("--max-lag needs --wait-caught-up (it says what caught up means)", error("status", "--max-lag", "1s"));
        assertEquals("--timeout: 'soon' is not a duration (use a number and a unit: 500ms, 10s, 5m, 2h, 1d)",
                error("status", "--timeout", "soon"));
        assertEquals("--wait-caught-up is an option of status, not of run",
                error("run", "--source", SRC, "--target", TGT, "--wait-caught-up"));
    }

    @Test
    void progressMode() throws Exception {
        assertEquals(MigrationOptions.ProgressMode.AUTO, MigrationOptions.parse("run", "--source", SRC, "--target", TGT).progress());
        assertEquals(MigrationOptions.ProgressMode.NONE,
                MigrationOptions.parse("run", "--source", SRC, "--target", TGT, "--progress", "none").progress());
        assertEquals("--progress must be auto, plain or none (got 'fancy')",
                error("run", "--source", SRC, "--target", TGT, "--progress", "fancy"));
    }
}
