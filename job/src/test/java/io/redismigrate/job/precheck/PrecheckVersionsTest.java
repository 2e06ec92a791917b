package io.redismigrate.job.precheck;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.ServerVersion;
import io.redismigrate.connector.testutils.ServerVersions;
import io.redismigrate.job.MigrationOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Precheck across versions: the servers are named as what they are (Valkey by its own version), the decoding-path
 * row says which encodings are re-labelled, and what the target cannot hold fails with one line (function libraries
 * into a server without functions, hash-field TTLs into a server without them). Needs the version matrix for the
 * older/newer servers; without it those cases are skipped with a notice.
 */
class PrecheckVersionsTest {

    private static Optional<ServerVersion> version(String name) {
        Optional<ServerVersion> v = ServerVersions.all().stream().filter(s -> s.name().equals(name)).findFirst();
        if (v.isEmpty()) System.err.println("PrecheckVersionsTest: " + name + " not in the version matrix; case skipped");
        return v;
    }

    private static List<CheckResult> runAll(RedisServer source, RedisServer target) throws Exception {
        return new Precheck(MigrationOptions.parse(new String[] {"precheck", "--source", source.uri(), "--target",
                target.uri()})).runAll();
    }

    private static CheckResult row(List<CheckResult> results, String check) {
        return results.stream().filter(r -> r.check().equals(check)).findFirst()
                .orElseThrow(() -> new AssertionError("no row '" + check + "' in " + results));
    }

    @Test
    void functionLibrariesIntoAServerWithoutFunctionsFail() throws Exception {
        Optional<ServerVersion> old = version("redis-6.0");
        assumeTrue(old.isPresent());
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start(old.get())) {
            List<CheckResult> before = runAll(source, target);
            assertEquals(CheckResult.Status.OK, row(before, "source functions").status(), before.toString());
            assertTrue(row(before, "source functions").detail().contains("a FUNCTION LOAD on the source stops the job"));
            source.call("FUNCTION", "LOAD", "#!lua name=lib1\nredis.register_function('f1', function() return 1 end)");
            List<CheckResult> results = runAll(source, target);
            CheckResult r = row(results, "source functions");
            assertEquals(CheckResult.Status.FAIL, r.status(), results.toString());
            assertEquals("1 function library on the source; the target Redis 6.0.16 has no functions (Redis 7.0+): use a"
                    + " Redis 7.0+ or Valkey target, or delete them on the source (FUNCTION LIST, FUNCTION DELETE)", r.detail());
            CheckResult decoding = row(results, "decoding path");
            assertTrue(decoding.detail().startsWith("needed: the source writes RDB 10, the target reads up to RDB 9;"
                    + " values in encodings the target reads (strings, intsets"), decoding.detail());
        }
    }

    @Test
    void hashFieldTtlsIntoAServerWithoutThemFail() throws Exception {
        Optional<ServerVersion> newer = version("redis-8.0");
        assumeTrue(newer.isPresent());
        try (RedisServer source = RedisServer.start(newer.get()); RedisServer target = RedisServer.start()) {
            source.call("HSET", "h", "f1", "v1", "f2", "v2");
            source.call("HSET", "h2", "f", "v");
            assertEquals(CheckResult.Status.OK, row(runAll(source, target), "source hash-field TTLs").status());
            source.call("HEXPIRE", "h", "3600", "FIELDS", "1", "f1");
            source.call("SELECT", "2");
            source.call("HSET", "h3", "f", "v");
            source.call("HPEXPIRE", "h3", "3600000", "FIELDS", "1", "f");
            List<CheckResult> results = runAll(source, target);
            CheckResult r = row(results, "source hash-field TTLs");
            assertEquals(CheckResult.Status.FAIL, r.status(), results.toString());
            assertEquals("2 hashes have fields with a TTL (INFO keyspace subexpiry); the target Redis "
                    + target.serverVersion().major() + "." + target.serverVersion().minor() + "." + target.serverVersion().patch()
                    + " cannot store field TTLs: use a Redis 7.4+ or Valkey 9.0+ target, or remove them on the source (HPERSIST)",
                    r.detail());
        }
    }

    @Test
    void valkeyIsNamedByItsOwnVersion() throws Exception {
        Optional<ServerVersion> valkey = version("valkey-8.1");
        assumeTrue(valkey.isPresent());
        try (RedisServer source = RedisServer.start(valkey.get()); RedisServer target = RedisServer.start()) {
            List<CheckResult> results = runAll(source, target);
            assertEquals("valkey 8.1.1, role master, RDB 11", row(results, "source version").detail());
            assertTrue(row(results, "decoding path").detail().startsWith("needed: the source writes RDB 11, the target reads up to RDB 10"),
                    results.toString());
        }
    }

    @Test
    void subexpiryIsSummedOverDatabases() {
        assertEquals(5, TargetFit.subexpiry(Map.of("db0", "keys=10,expires=0,avg_ttl=0,subexpiry=2",
                "db3", "keys=4,expires=1,avg_ttl=7,subexpiry=3", "db4", "keys=1,expires=0,avg_ttl=0")));
    }
}
