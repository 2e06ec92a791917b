package io.redismigrate.job.precheck;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.ServerVersion;
import io.redismigrate.connector.testutils.ServerVersions;
import io.redismigrate.job.MigrationOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The precheck row of the stream phase's command forms: OK when the target applies everything the source's version
 * replicates; INFO/WARN listing the translated forms and those that would stop the job; FAIL when the source holds
 * function libraries and the target has no functions; absent in --mode full.
 */
class PrecheckStreamCommandsTest {

    @Test
    void sameVersionIsOk() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            CheckResult r = row(run(source, target));
            assertEquals(CheckResult.Status.OK, r.status(), r.detail());
            assertTrue(r.detail().startsWith("the target applies every form"), r.detail());
        }
    }

    @Test
    void redis70IntoRedis60ListsTranslationsAndWarnsOfRefusals() throws Exception {
        ServerVersion from = version("redis-7.0"), into = version("redis-6.0");
        try (RedisServer source = RedisServer.start(from); RedisServer target = RedisServer.start(into)) {
            CheckResult r = row(run(source, target));
            assertEquals(CheckResult.Status.WARN, r.status(), r.detail());
            assertTrue(r.detail().startsWith("translated for Redis " + into.major() + "." + into.minor()), r.detail());
            for (String form : List.of("SET … PXAT|EXAT|GET (Redis 6.2+)", "LMOVE", "COPY", "PEXPIREAT … NX|XX|GT|LT",
                    "XGROUP CREATECONSUMER", "XSETID … ENTRIESADDED|MAXDELETEDID")) {
                assertTrue(r.detail().contains(form), form + " not in: " + r.detail());
            }
            assertTrue(r.detail().contains("would stop the job if replicated (no equivalent on Redis " + into.major()
                    + "." + into.minor()), r.detail());
            assertTrue(r.detail().contains("FUNCTION LOAD|DELETE|FLUSH|RESTORE (Redis 7.0+ or Valkey)"), r.detail());
            assertTrue(!r.detail().contains("HSETEX") && !r.detail().contains("IFEQ"), "not sent by 7.0: " + r.detail());

            source.call("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 end)");
            CheckResult f = row(run(source, target));
            assertEquals(CheckResult.Status.FAIL, f.status(), f.detail());
            assertTrue(f.detail().startsWith("the source has 1 function library, which Redis "), f.detail());

            List<CheckResult> full = new Precheck(MigrationOptions.parse("precheck", "--source", source.uri(),
                    "--target", target.uri(), "--mode", "full")).runAll();
            assertTrue(full.stream().noneMatch(c -> c.check().equals(Precheck.STREAM_COMMANDS)), full.toString());
        }
    }

    private static List<CheckResult> run(RedisServer source, RedisServer target) throws Exception {
        return new Precheck(MigrationOptions.parse("precheck", "--source", source.uri(), "--target", target.uri())).runAll();
    }

    private static CheckResult row(List<CheckResult> results) {
        return results.stream().filter(r -> r.check().equals(Precheck.STREAM_COMMANDS)).findFirst()
                .orElseThrow(() -> new AssertionError("no row in " + results));
    }

    private static ServerVersion version(String name) {
        for (ServerVersion v : ServerVersions.all()) if (v.name().equals(name)) return v;
        ServerVersion system = ServerVersions.system();
        if (!system.isValkey() && name.equals("redis-" + system.major() + "." + system.minor())) return system;
        System.err.println("PrecheckStreamCommandsTest: SKIPPED (" + name + " not installed; set "
                + ServerVersions.ENV + " to the version matrix)");
        Assumptions.abort(name + " not installed");
        return null;
    }
}
