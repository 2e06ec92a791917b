package io.redismigrate.connector.command;

import io.redismigrate.connector.rdb.DumpPayloads;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.resp.ServerInfo;
import io.redismigrate.connector.testutils.Canonical;
import io.redismigrate.connector.testutils.DumpedKeys;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.ServerVersion;
import io.redismigrate.connector.testutils.ServerVersions;
import io.redismigrate.connector.testutils.TestData;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A RESTORE in the replication stream carries the source's RDB version: {@link CommandDialect} passes it as it is to
 * a target that reads it, re-labels it where the target reads the value's type, and otherwise rewrites the value as
 * one EVAL of commands. Every value of the all-types data set, RESTOREd that way, must read back the same.
 */
class ReplicatedRestoreTest {

    /** The system server stands in for an older target (Redis 6.0.16: RDB 9): it reads whatever 6.0 reads. */
    @Test
    void everyValueRestoredForAnOlderTargetReadsBackTheSame() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start()) {
            TestData.populateAllTypes(source);
            int[] forms = restoreEveryKey(source, target, CommandDialect.forTarget(ServerInfo.redis("6.0.16")));
            for (int db : new int[] {0, 3}) Canonical.assertSame(source, target, db, "same");
            assertTrue(forms[1] > 0 && forms[2] > 0, "re-labelled and decoded forms both seen: " + forms[1] + ", " + forms[2]);
        }
    }

    @Test
    void aPayloadTheTargetReadsPassesAsTheSameArray() throws Exception {
        try (RedisServer source = RedisServer.start()) {
            source.sync().set("k", "v");
            byte[] payload = source.binary().dump("k".getBytes());
            byte[][] restore = {b("RESTORE"), b("k"), b("0"), payload, b("REPLACE")};
            ServerInfo same = ServerInfo.redis(source.serverVersion().major() + "." + source.serverVersion().minor() + ".0");
            assertSame(restore, CommandDialect.forTarget(same).translate(restore));
        }
    }

    /** On a real Redis 6.0 (version matrix), which refuses the newer payloads as they are. */
    @Test
    void intoRedis60() throws Exception {
        Optional<ServerVersion> old = ServerVersions.all().stream().filter(v -> v.name().equals("redis-6.0")).findFirst();
        if (old.isEmpty()) {
            System.err.println("ReplicatedRestoreTest: redis-6.0 not in the version matrix; intoRedis60 skipped");
            return;
        }
        try (RedisServer source = RedisServer.start(); RedisServer target = RedisServer.start(old.get())) {
            TestData.populateAllTypes(source);
            assertTrue(restoreEveryKey(source, target, CommandDialect.forTarget(ServerInfo.redis("6.0.16")))[2] > 0, "some values decoded");
            for (int db : new int[] {0, 3}) Canonical.assertSame(source, target, db, "same");
        }
    }

    /** RESTOREs every key of DBs 0 and 3 through the dialect; counts forms: as is, re-labelled, EVAL. */
    private static int[] restoreEveryKey(RedisServer source, RedisServer target, CommandDialect dialect) throws Exception {
        int[] forms = new int[3];
        try (RedisConnection tgt = RedisConnection.open(RedisEndpoint.parse(target.uri()), "target", 5000)) {
            for (DumpedKeys.Dumped d : DumpedKeys.of(source, 0, 3)) {
                tgt.call("SELECT", String.valueOf(d.db()));
                byte[][] restore = d.expireAtMs() > 0
                        ? new byte[][] {b("RESTORE"), d.key(), b(Long.toString(d.expireAtMs())), d.payload(), b("REPLACE"), b("ABSTTL")}
                        : new byte[][] {b("RESTORE"), d.key(), b("0"), d.payload(), b("REPLACE")};
                byte[][] out = dialect.translate(restore);
                if (out == restore) forms[0]++;
                else if (new String(out[0], StandardCharsets.US_ASCII).equals("RESTORE")) {
                    forms[1]++;
                    assertEquals(9, DumpPayloads.version(out[3]));
                } else {
                    forms[2]++;
                    assertEquals("EVAL", new String(out[0], StandardCharsets.US_ASCII));
                }
                Object reply = tgt.call(out);
                assertFalse(reply instanceof RespError, new String(d.key(), StandardCharsets.ISO_8859_1) + ": " + reply);
            }
        }
        return forms;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
