package io.redismigrate.connector.replication;

import io.redismigrate.connector.testutils.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;

import static io.redismigrate.connector.replication.ReplicationTestSupport.assertValidRdb;
import static io.redismigrate.connector.replication.ReplicationTestSupport.endpoint;
import static io.redismigrate.connector.replication.ReplicationTestSupport.readAll;
import static io.redismigrate.connector.replication.ReplicationTestSupport.readUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Full sync against a real redis-server, disk-based ($len) and diskless ($EOF:mark) transfers. */
class ReplicationFullSyncTest {

    @ParameterizedTest(name = "repl-diskless-sync {0}")
    @ValueSource(strings = {"no", "yes"})
    void streamsTheWholeRdb(String diskless) throws Exception {
        try (RedisServer server = RedisServer.start("--repl-diskless-sync", diskless)) {
            server.call("DEBUG", "POPULATE", "20000");
            byte[] rdb;
            try (ReplicationClient client = ReplicationClient.connect(endpoint(server), ReplicationConfig.defaults())) {
                SyncStart start = client.psync("?", -1);
                assertEquals(SyncStart.Kind.FULL, start.kind());
                assertEquals(40, start.replId().length());
                assertEquals(ReplicationTestSupport.info(server, "replication").get("master_replid"), start.replId());
                assertTrue(start.offset() >= 0);
                rdb = readAll(client.rdbStream());
                assertEquals(-1, client.rdbStream().read(new byte[10], 0, 10), "RDB stream stays at its end");
                assertEquals(rdb.length, client.rdbLength());
                assertTrue(client.bytesReceived() >= rdb.length);
            }
            assertValidRdb(rdb);

            // The server's own SAVE of the same data: same format, sizes differ only by aux fields
            // (repl-id, repl-offset, repl-stream-db are in the replication RDB only).
            ReplicationTestSupport.waitFor("the replication BGSAVE child to exit", Duration.ofSeconds(10),
                    () -> ReplicationTestSupport.infoLong(server, "persistence", "rdb_bgsave_in_progress") == 0);
            server.call("SAVE");
            byte[] saved = Files.readAllBytes(server.dir().resolve("dump.rdb"));
            assertValidRdb(saved);
            assertTrue(Math.abs(saved.length - rdb.length) < 256,
                    "streamed RDB " + rdb.length + " bytes vs SAVE " + saved.length + " bytes");
            assertTrue(rdb.length > 20000 * 10, "RDB holds the 20000 keys: " + rdb.length + " bytes");
        }
    }

    @ParameterizedTest(name = "repl-diskless-sync {0}")
    @ValueSource(strings = {"no", "yes"})
    void commandStreamFollowsTheRdb(String diskless) throws Exception {
        try (RedisServer server = RedisServer.start("--repl-diskless-sync", diskless);
             // no ACK timer: after a diskless transfer the client must still ACK by itself to start the command stream
             ReplicationClient client = ReplicationClient.connect(endpoint(server), ReplicationConfig.defaults().withAckIntervalMs(0))) {
            server.sync().set("before", "1");
            client.psync("?", -1);
            assertValidRdb(readAll(client.rdbStream()));
            server.sync().set("foo", "bar");
            byte[] got = readUntil(client.commandStream(), "bar", Duration.ofSeconds(5), client);
            String s = new String(got, StandardCharsets.ISO_8859_1);
            // the stream is RESP from its first byte: nothing of the RDB or its mark leaks into it
            assertEquals('*', s.charAt(0), "stream starts with a RESP array: " + s);
            assertTrue(s.contains("SELECT"), s);
            assertTrue(s.contains("\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nbar\r\n"), s);
            assertEquals(client.syncStart().offset() + got.length, client.offset());
        }
    }

    @Test
    void skipsKeepAlivesWhileTheSourceRunsBgsave() throws Exception {
        // 20000 keys x 100 us: BGSAVE takes ~2 s, during which the source sends "\n" once a second
        try (RedisServer server = RedisServer.start("--repl-diskless-sync", "no", "--rdb-key-save-delay", "100");
             ReplicationClient client = ReplicationClient.connect(endpoint(server), ReplicationConfig.defaults())) {
            server.call("DEBUG", "POPULATE", "20000");
            long t0 = System.nanoTime();
            client.psync("?", -1);
            byte[] rdb = readAll(client.rdbStream());
            assertTrue(System.nanoTime() - t0 > 1_000_000_000L, "BGSAVE should have taken more than 1 s");
            assertTrue(client.keepAlives() >= 1, "keep-alives seen: " + client.keepAlives());
            assertValidRdb(rdb);
        }
    }

    @Test
    void skipsKeepAlivesBeforeFullresyncWhileDisklessSyncWaits() throws Exception {
        // a diskless source waits repl-diskless-sync-delay seconds for more replicas, sending "\n" meanwhile
        try (RedisServer server = RedisServer.start("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "2");
             ReplicationClient client = ReplicationClient.connect(endpoint(server), ReplicationConfig.defaults())) {
            server.call("DEBUG", "POPULATE", "1000");
            assertEquals(SyncStart.Kind.FULL, client.psync("?", -1).kind());
            assertTrue(client.keepAlives() >= 1, "keep-alives seen: " + client.keepAlives());
            assertValidRdb(readAll(client.rdbStream()));
        }
    }
}
