package io.redismigrate.job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationOptionsTest {
    private static final String SRC = "redis://127.0.0.1:7001";
    private static final String TGT = "redis://127.0.0.1:7002";

    @TempDir
    Path dir;

    private static MigrationOptions parse(String... args) throws UsageException {
        return MigrationOptions.parse(args);
    }

    private static String error(String... args) {
        return assertThrows(UsageException.class, () -> MigrationOptions.parse(args)).getMessage();
    }

    @Test
    void defaults() throws Exception {
        MigrationOptions o = parse("run", "--source", SRC, "--target", TGT);
        assertEquals("run", o.subcommand());
        assertEquals("127.0.0.1:7001", o.source().toString());
        assertEquals(7002, o.target().port());
        assertEquals(MigrationOptions.Mode.FULL_INCREMENTAL, o.mode());
        assertNull(o.checkpointDir());
        assertEquals(Duration.ofSeconds(10), o.checkpointInterval());
        assertNull(o.savepointDir());
        assertNull(o.fromSavepoint());
        assertEquals(1, o.parallelism());
        assertEquals(8081, o.webUiPort());
        assertEquals(List.of(), o.dbs());
        assertEquals(Map.of(), o.dbMap());
        assertEquals(List.of(), o.includePrefixes());
        assertEquals(List.of(), o.excludePrefixes());
        assertEquals(Duration.ZERO, o.ttlExtend());
        assertEquals(MigrationOptions.Conflict.PRECHECK, o.conflict());
        assertEquals(0, o.fullRps());
        assertEquals(0.0, o.fullMbps());
        assertEquals(0, o.incrRps());
        assertEquals(0.0, o.incrMbps());
        assertEquals(Duration.ofMinutes(720), o.retryConnect());
        assertEquals(Duration.ofMinutes(10), o.retryOther());
        assertEquals(64L << 20, o.bigKeyThreshold());
        assertTrue(o.spoolDir().endsWith("redis-migrate-spool"));
        assertEquals("__redis_migrate:heartbeat", o.heartbeatKeyPrefix());
        assertFalse(o.help());
        assertNull(o.configFile());
        assertTrue(o.dbInScope(0) && o.dbInScope(15));
        assertEquals(3, o.targetDb(3));
    }

    @Test
    void everyOption() throws Exception {
        MigrationOptions o = parse("precheck", "--source", "redis://alice:s3cret@src.example:6380", "--target=rediss://:pw@tgt:6390",
                "--mode", "full", "--checkpoint-dir", "/tmp/cp", "--checkpoint-interval", "500ms", "--savepoint-dir", "file:///tmp/sp",
                "--from-savepoint", "/tmp/sp/savepoint-1", "--parallelism", "4", "--web-ui-port", "0", "--db", "0,2-3",
                "--db", "7", "--db-map", "0:1,2:4", "--db-map", "3:5", "--include-prefix", "user:", "--include-prefix", "order:",
                "--exclude-prefix", "user:tmp:", "--ttl-extend", "5m", "--conflict", "overwrite", "--full-rps", "1000",
                "--full-mbps", "12.5", "--incr-rps", "200", "--incr-mbps", "3", "--retry-connect", "2h", "--retry-other", "30s",
                "--big-key-threshold", "512kb", "--spool-dir", "/var/spool/rm", "--heartbeat-key-prefix", "hb:");
        assertEquals("precheck", o.subcommand());
        assertEquals("alice", o.source().user());
        assertEquals("s3cret", o.source().password());
        assertTrue(o.target().tls());
        assertEquals(MigrationOptions.Mode.FULL, o.mode());
        assertFalse(o.mode().includesStream());
        assertEquals("/tmp/cp", o.checkpointDir());
        assertEquals("file:/tmp/cp", o.checkpointDirUri().replace("file:///", "file:/"));
        assertEquals(Duration.ofMillis(500), o.checkpointInterval());
        assertEquals("file:///tmp/sp", o.savepointDirUri());
        assertEquals("/tmp/sp/savepoint-1", o.fromSavepoint());
        assertEquals(4, o.parallelism());
        assertEquals(0, o.webUiPort());
        assertEquals(List.of(0, 2, 3, 7), o.dbs());
        assertTrue(o.dbInScope(2));
        assertFalse(o.dbInScope(1));
        assertEquals(Map.of(0, 1, 2, 4, 3, 5), o.dbMap());
        assertEquals(4, o.targetDb(2));
        assertEquals(7, o.targetDb(7));
        assertEquals(List.of("user:", "order:"), o.includePrefixes());
        assertEquals(List.of("user:tmp:"), o.excludePrefixes());
        assertTrue(o.keyInScope("user:1".getBytes(StandardCharsets.UTF_8)));
        assertTrue(o.keyInScope("order:1".getBytes(StandardCharsets.UTF_8)));
        assertFalse(o.keyInScope("user:tmp:1".getBytes(StandardCharsets.UTF_8)));
        assertFalse(o.keyInScope("other".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Duration.ofMinutes(5), o.ttlExtend());
        assertEquals(MigrationOptions.Conflict.OVERWRITE, o.conflict());
        assertEquals(1000, o.fullRps());
        assertEquals(12.5, o.fullMbps());
        assertEquals(200, o.incrRps());
        assertEquals(3.0, o.incrMbps());
        assertEquals(Duration.ofHours(2), o.retryConnect());
        assertEquals(Duration.ofSeconds(30), o.retryOther());
        assertEquals(512 * 1024, o.bigKeyThreshold());
        assertEquals("/var/spool/rm", o.spoolDir());
        assertEquals("hb:", o.heartbeatKeyPrefix());
        assertTrue(o.isToolKey("hb:1".getBytes(StandardCharsets.UTF_8)));
        assertFalse(o.isToolKey("h".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void toStringNeverShowsPasswords() throws Exception {
        MigrationOptions o = parse("run", "--source", "redis://alice:s3cret@src:6380", "--target", "redis://:hunter2@tgt:6390");
        String s = o.toString();
        assertFalse(s.contains("s3cret") || s.contains("hunter2"), s);
        assertTrue(s.contains("src:6380") && s.contains("tgt:6390"), s);
    }

    @Test
    void isSerializable() throws Exception {
        MigrationOptions o = parse("run", "--source", SRC, "--target", TGT, "--db", "1", "--include-prefix", "a");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        MigrationOptions back = (MigrationOptions) new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
        assertEquals(o.toString(), back.toString());
    }

    @Test
    void modes() throws Exception {
        assertEquals(MigrationOptions.Mode.INCREMENTAL, parse("run", "--source", SRC, "--target", TGT, "--mode", "incremental").mode());
        assertEquals(MigrationOptions.Mode.FULL_INCREMENTAL,
                parse("run", "--source", SRC, "--target", TGT, "--mode", "full+incremental").mode());
        assertEquals("--mode must be full, full+incremental or incremental (got 'fast')",
                error("run", "--source", SRC, "--target", TGT, "--mode", "fast"));
        assertEquals("--conflict must be precheck or overwrite (got 'merge')",
                error("run", "--source", SRC, "--target", TGT, "--conflict", "merge"));
    }

    @Test
    void badValues() {
        assertEquals("missing command: run, precheck, verify or status", error("--source", SRC, "--target", TGT));
        assertEquals("unknown command 'migrate': use run, precheck, verify or status", error("migrate", "--source", SRC));
        assertEquals("--source is required (redis://[[user]:password@]host:port)", error("run", "--target", TGT));
        assertEquals("--target is required (redis://[[user]:password@]host:port)", error("run", "--source", SRC));
        assertEquals("unknown option '--sorce' (did you mean --source?)", error("run", "--sorce", SRC));
        assertEquals("--target needs a value", error("run", "--source", SRC, "--target"));
        assertEquals("--source needs a value", error("run", "--source", "--target", TGT));
        assertEquals("--source is given twice", error("run", "--source", SRC, "--source", SRC, "--target", TGT));
        assertTrue(error("run", "--source", SRC, "--target", TGT, "--checkpoint-interval", "10").contains("not a duration"));
        assertTrue(error("run", "--source", SRC, "--target", TGT, "--checkpoint-interval", "0s").contains("at least 10ms"));
        assertTrue(error("run", "--source", SRC, "--target", TGT, "--retry-connect", "soon").startsWith("--retry-connect: 'soon' is not a duration"));
        assertEquals("--parallelism must be between 1 and 4096 (got '0')", error("run", "--source", SRC, "--target", TGT, "--parallelism", "0"));
        assertEquals("--parallelism must be a whole number (got 'two')", error("run", "--source", SRC, "--target", TGT, "--parallelism", "two"));
        assertEquals("--web-ui-port must be between 0 and 65535 (got '70000')", error("run", "--source", SRC, "--target", TGT, "--web-ui-port", "70000"));
        assertTrue(error("run", "--source", SRC, "--target", TGT, "--db", "0,x").contains("'x' is not a DB number"));
        assertTrue(error("run", "--source", SRC, "--target", TGT, "--db", "3-1").contains("runs backwards"));
        assertTrue(error("run", "--source", SRC, "--target", TGT, "--db-map", "0-1").contains("is not FROM:TO"));
        assertTrue(error("run", "--source", SRC, "--target", TGT, "--db-map", "0:2,1:2").contains("both map to target DB 2"));
        assertTrue(error("run", "--source", SRC, "--target", TGT, "--db-map", "0:1,0:2").contains("mapped twice"));
        assertTrue(error("run", "--source", SRC, "--target", TGT, "--full-mbps", "-1").contains("must be 0 (no limit) or more"));
        assertTrue(error("run", "--source", SRC, "--target", TGT, "--full-rps", "-5").contains("between 0 and"));
        assertTrue(error("run", "--source", SRC, "--target", TGT, "--big-key-threshold", "64 parsecs").contains("not a size"));
        assertTrue(error("run", "--source", SRC, "--target", TGT, "--include-prefix", "").contains("must not be empty"));
        assertTrue(error("run", "--source", "http://x:1", "--target", TGT).startsWith("--source: not a Redis URI"));
        assertTrue(error("run", "--source", SRC, "--target", SRC).contains("same node"));
        assertEquals("unexpected argument 'extra' (one command only; options start with --)",
                error("run", "extra", "--source", SRC, "--target", TGT));
        assertEquals("unknown option '-x' (options start with --)", error("run", "-x"));
    }

    @Test
    void badUriMessageHidesThePassword() {
        String m = error("run", "--source", "redis://:topsecret@exa mple:1", "--target", TGT);
        assertFalse(m.contains("topsecret"), m);
    }

    @Test
    void sameNodeIsAllowedWithADbMap() throws Exception {
        MigrationOptions o = parse("run", "--source", SRC, "--target", SRC, "--db", "0", "--db-map", "0:1");
        assertEquals(1, o.targetDb(0));
    }

    @Test
    void helpNeedsNothingElse() throws Exception {
        assertTrue(parse("--help").help());
        assertTrue(parse("-h").help());
        assertTrue(parse("run", "--help").help());
        assertTrue(MigrationOptions.usage().contains("--heartbeat-key-prefix"));
        for (String option : MigrationOptions.OPTIONS.keySet()) {
            assertTrue(MigrationOptions.usage().contains("--" + option + " "), "usage lacks --" + option);
        }
    }

    @Test
    void yamlConfigWithFlagsWinning() throws Exception {
        Path file = dir.resolve("migrate.yaml");
        Files.writeString(file, String.join("\n",
                "# redis-migrate config",
                "source: redis://:pw@127.0.0.1:7001   # the old one",
                "target: \"redis://127.0.0.1:7002\"",
                "mode: full",
                "parallelism: 2",
                "checkpoint-interval: 1m",
                "db: [0, 1]",
                "include-prefix:",
                "  - 'a:'",
                "  - \"b # not a comment\"",
                "exclude-prefix: [\"x,y\", z]",
                "ttl-extend: 10s",
                "ttl-margin: 90s",
                "big-key-threshold: 1gb",
                ""));
        MigrationOptions o = parse("run", "--config", file.toString(), "--parallelism", "8", "--include-prefix", "c:");
        assertEquals(file.toString(), o.configFile());
        assertEquals("pw", o.source().password());
        assertEquals(7002, o.target().port());
        assertEquals(MigrationOptions.Mode.FULL, o.mode());
        assertEquals(8, o.parallelism(), "flag wins");
        assertEquals(Duration.ofMinutes(1), o.checkpointInterval());
        assertEquals(List.of(0, 1), o.dbs());
        assertEquals(List.of("c:"), o.includePrefixes(), "flag replaces the file's list");
        assertEquals(List.of("x,y", "z"), o.excludePrefixes());
        assertEquals(Duration.ofSeconds(10), o.ttlExtend());
        assertEquals(Duration.ofSeconds(90), o.ttlMargin());
        assertEquals(Duration.ZERO, o.ttlMarginApplied(), "mode full: no margin");
        assertEquals(1L << 30, o.bigKeyThreshold());

        MigrationOptions noFlags = parse("verify", "--config", file.toString());
        assertEquals(2, noFlags.parallelism());
        assertEquals(List.of("a:", "b # not a comment"), noFlags.includePrefixes());
    }

    @Test
    void propertiesConfig() throws Exception {
        Path file = dir.resolve("migrate.properties");
        Files.writeString(file, String.join("\n",
                "source=redis://127.0.0.1:7001",
                "target=redis://127.0.0.1:7002",
                "conflict=overwrite",
                "db-map=0:3,1:4",
                "include-prefix.2=second:",
                "include-prefix.10=third:",
                "include-prefix.1=first:",
                "web-ui-port=0",
                ""));
        MigrationOptions o = parse("run", "--config", file.toString(), "--conflict", "precheck");
        assertEquals(MigrationOptions.Conflict.PRECHECK, o.conflict());
        assertEquals(Map.of(0, 3, 1, 4), o.dbMap());
        assertEquals(List.of("first:", "second:", "third:"), o.includePrefixes());
        assertEquals(0, o.webUiPort());
    }

    @Test
    void badConfigFiles() throws Exception {
        assertTrue(error("run", "--config", dir.resolve("nope.yaml").toString()).contains("does not exist"));

        Path unknown = dir.resolve("unknown.yaml");
        Files.writeString(unknown, "source: redis://127.0.0.1:1\ntarget: redis://127.0.0.1:2\nparalelism: 2\n");
        assertTrue(error("run", "--config", unknown.toString()).contains("unknown key 'paralelism'"));
        assertTrue(error("run", "--config", unknown.toString()).contains("did you mean --parallelism?"));

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "source: redis://127.0.0.1:1\ntarget: redis://127.0.0.1:2\nmode: fast\n");
        assertTrue(error("run", "--config", bad.toString()).startsWith("'mode' in " + bad + " must be full, full+incremental or incremental (got 'fast')"));

        Path nested = dir.resolve("nested.yaml");
        Files.writeString(nested, "source:\n  host: x\n");
        assertTrue(error("run", "--config", nested.toString()).contains("line 2"));

        Path twice = dir.resolve("twice.yaml");
        Files.writeString(twice, "mode: full\nmode: incremental\n");
        assertTrue(error("run", "--config", twice.toString()).contains("'mode' is set twice"));

        Path list = dir.resolve("list.yaml");
        Files.writeString(list, "source: [redis://a:1, redis://b:2]\n");
        assertTrue(error("run", "--config", list.toString()).contains("needs exactly one value"));

        Path self = dir.resolve("self.yaml");
        Files.writeString(self, "config: other.yaml\n");
        assertTrue(error("run", "--config", self.toString()).contains("unknown key 'config'"));
    }

    @Test
    void durationsAndSizes() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(10), Durations.parse("10s"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofHours(2), Durations.parse("2h"));
        assertEquals(Duration.ofDays(1), Durations.parse("1d"));
        assertEquals(Duration.ofMinutes(720), Durations.parse(" 720M "));
        for (String bad : new String[] {"", "10", "ms", "1.5s", "-1s", "5 minutes", "99999999999999999999s"}) {
            assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
        }
        assertEquals("12h", Durations.format(Duration.ofMinutes(720)));
        assertEquals("90m", Durations.format(Duration.ofMinutes(90)));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("2h", Durations.format(Duration.ofHours(2)));

        assertEquals(1024, Sizes.parse("1024"));
        assertEquals(512 * 1024, Sizes.parse("512kb"));
        assertEquals(64L << 20, Sizes.parse("64MB"));
        assertEquals(1L << 30, Sizes.parse("1g"));
        for (String bad : new String[] {"", "mb", "1.5mb", "-1", "1tb", "99999999999gb"}) {
            assertThrows(IllegalArgumentException.class, () -> Sizes.parse(bad), bad);
        }
        assertEquals("64mb", Sizes.format(64L << 20));
        assertEquals("1000b", Sizes.format(1000));
    }

    @Test
    void ttlMargin() throws Exception {
        MigrationOptions d = parse("run", "--source", SRC, "--target", TGT);
        assertEquals(Duration.ofMinutes(5), d.ttlMargin(), "default 5m");
        assertEquals(Duration.ofMinutes(5), d.ttlMarginApplied(), "applied with a stream phase");
        assertEquals(Duration.ofMinutes(5), parse("run", "--source", SRC, "--target", TGT, "--mode", "incremental").ttlMarginApplied());
        assertEquals(Duration.ZERO, parse("run", "--source", SRC, "--target", TGT, "--mode", "full").ttlMarginApplied());
        assertEquals(Duration.ZERO, parse("run", "--source", SRC, "--target", TGT, "--ttl-margin", "0s").ttlMarginApplied());
        assertEquals(Duration.ofMillis(1500), parse("verify", "--source", SRC, "--target", TGT, "--ttl-margin=1500ms").ttlMargin());
        assertTrue(error("run", "--source", SRC, "--target", TGT, "--ttl-margin", "soon").startsWith("--ttl-margin: 'soon' is not a duration"));
        assertTrue(MigrationOptions.usage().contains("--ttl-margin DUR"));
        assertTrue(d.toString().contains("ttlMargin=5m"), d.toString());
    }
}
