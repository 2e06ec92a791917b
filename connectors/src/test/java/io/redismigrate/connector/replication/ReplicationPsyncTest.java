package io.redismigrate.connector.replication;

import io.redismigrate.connector.testutils.RedisServer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.redismigrate.connector.replication.ReplicationTestSupport.endpoint;
import static io.redismigrate.connector.replication.ReplicationTestSupport.infoLong;
import static io.redismigrate.connector.replication.ReplicationTestSupport.readAll;
import static io.redismigrate.connector.replication.ReplicationTestSupport.readUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partial resync. Redis numbers the stream's bytes so that {@code +FULLRESYNC id N} means the RDB covers up to N and
 * the first stream byte is N+1; a replica that has consumed up to offset R asks {@code PSYNC id R+1} (replication.c:
 * {@code cached_master->reploff+1}; the master skips {@code psync_offset - repl_backlog->offset} backlog bytes).
 */
class ReplicationPsyncTest {

    @Test
    void continuesFromTheNextByteWithoutAFullSync() throws Exception {
        try (RedisServer server = RedisServer.start("--repl-diskless-sync", "no")) {
            server.call("DEBUG", "POPULATE", "1000");
            SyncStart first;
            long consumedUpTo;
            try (ReplicationClient client = ReplicationClient.connect(endpoint(server), ReplicationConfig.defaults())) {
                first = client.psync("?", -1);
                readAll(client.rdbStream());
                server.sync().set("foo", "bar");
                byte[] got = readUntil(client.commandStream(), "bar", Duration.ofSeconds(5), client);
                consumedUpTo = client.offset();
                assertEquals(first.offset() + got.length, consumedUpTo);
            }
            long fullBefore = infoLong(server, "stats", "sync_full");
            long partialBefore = infoLong(server, "stats", "sync_partial_ok");
            server.sync().set("foo2", "bar2"); // written while we are away: must come from the backlog

            try (ReplicationClient client = ReplicationClient.connect(endpoint(server), ReplicationConfig.defaults())) {
                SyncStart again = client.psync(first.replId(), consumedUpTo + 1);
                assertEquals(SyncStart.Kind.CONTINUE, again.kind());
                assertEquals(first.replId(), again.replId());
                assertEquals(consumedUpTo, again.offset());
                assertThrows(IllegalStateException.class, client::rdbStream);
                byte[] got = readUntil(client.commandStream(), "bar2", Duration.ofSeconds(5), client);
                String s = new String(got, StandardCharsets.ISO_8859_1);
                // exactly the next byte: a command boundary, no byte repeated (that would be the '\n' of the last
                // command, which is what sending consumedUpTo instead of consumedUpTo + 1 produces). Also no SELECT:
                // the source does not repeat it after CONTINUE, the consumer must remember the DB with the offset.
                assertTrue(s.startsWith("*3\r\n$3\r\nSET\r\n$4\r\nfoo2\r\n$4\r\nbar2\r\n"), s);
                assertEquals(consumedUpTo + got.length, client.offset());
            }
            assertEquals(fullBefore, infoLong(server, "stats", "sync_full"), "no new full sync");
            assertEquals(partialBefore + 1, infoLong(server, "stats", "sync_partial_ok"), "one partial sync");
        }
    }

    @Test
    void unknownReplicationIdFallsBackToAFullSync() throws Exception {
        try (RedisServer server = RedisServer.start("--repl-diskless-sync", "no");
             ReplicationClient client = ReplicationClient.connect(endpoint(server), ReplicationConfig.defaults())) {
            SyncStart start = client.psync("0123456789012345678901234567890123456789", 12345);
            assertEquals(SyncStart.Kind.FULL, start.kind());
            ReplicationTestSupport.assertValidRdb(readAll(client.rdbStream()));
        }
    }
}
