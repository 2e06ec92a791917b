package io.redismigrate.connector.replication;

import io.redismigrate.connector.testutils.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static io.redismigrate.connector.replication.ReplicationTestSupport.assertValidRdb;
import static io.redismigrate.connector.replication.ReplicationTestSupport.endpoint;
import static io.redismigrate.connector.replication.ReplicationTestSupport.infoLong;
import static io.redismigrate.connector.replication.ReplicationTestSupport.readAll;
import static io.redismigrate.connector.replication.ReplicationTestSupport.readUntil;
import static io.redismigrate.connector.replication.ReplicationTestSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The source is read at full speed whatever the consumer does. */
class ReplicationSlowConsumerTest {

    @Test
    void spoolTakesTheWholeRdbToDiskWhileNothingIsConsumed(@TempDir Path spoolDir) throws Exception {
        ReplicationConfig config = ReplicationConfig.defaults().withSpoolDir(spoolDir.toString()).withSpoolMemoryBytes(1 << 20);
        try (RedisServer server = RedisServer.start("--repl-diskless-sync", "yes")) {
            server.call("DEBUG", "POPULATE", "200000");
            ReplicationClient client = ReplicationClient.connect(endpoint(server), config);
            try {
                client.psync("?", -1);
                // consumer idle: the reader thread alone takes the RDB off the socket
                waitFor("the whole RDB in the spool", Duration.ofSeconds(30), () -> client.rdbLength() > 0);
                long rdbLength = client.rdbLength();
                assertTrue(rdbLength > 4 << 20, "RDB of 200k keys is several MiB: " + rdbLength);
                assertTrue(client.spooledBytes() >= rdbLength, "spooled " + client.spooledBytes() + " of " + rdbLength);
                assertTrue(client.bytesReceived() >= rdbLength);
                long onDisk = spoolFileBytes(spoolDir);
                assertTrue(onDisk >= rdbLength - (1 << 20), "overflow beyond 1 MiB went to files: " + onDisk + " bytes");
                Thread.sleep(1000);
                assertTrue(client.spooledBytes() >= rdbLength, "still all there, nothing consumed");

                byte[] rdb = readAll(client.rdbStream());
                assertEquals(rdbLength, rdb.length);
                assertValidRdb(rdb);
                assertTrue(client.spooledBytes() < 1 << 20, "spool drained: " + client.spooledBytes());
                assertEquals(0, spoolFileBytes(spoolDir), "consumed spool files are deleted");

                server.sync().set("after", "spool");
                readUntil(client.commandStream(), "spool", Duration.ofSeconds(5), client);
            } finally {
                client.close();
            }
            try (Stream<Path> files = Files.walk(spoolDir)) {
                assertEquals(0, files.filter(Files::isRegularFile).count(), "close() deletes the spool files");
            }
            assertEquals(1, infoLong(server, "stats", "sync_full"));
        }
    }

    @Test
    void stalledConsumerIsNotDroppedForMissingAcks() throws Exception {
        // the source drops a PSYNC replica whose last REPLCONF ACK is older than repl-timeout (here 2 s)
        try (RedisServer server = RedisServer.start("--repl-diskless-sync", "no", "--repl-timeout", "2");
             ReplicationClient client = ReplicationClient.connect(endpoint(server), ReplicationConfig.defaults())) {
            SyncStart start = client.psync("?", -1);
            readAll(client.rdbStream());
            Thread.sleep(5000); // consumer stalled, no ack() calls
            assertEquals(1, infoLong(server, "replication", "connected_slaves"));
            server.sync().set("still", "here");
            readUntil(client.commandStream(), "here", Duration.ofSeconds(5), client);

            client.ack(client.offset());
            waitFor("the source to see our ACK", Duration.ofSeconds(5), () -> ReplicationTestSupport.info(server, "replication")
                    .get("slave0").contains("offset=" + client.offset() + ","));
            assertTrue(client.offset() > start.offset());
        }
    }

    @Test
    void lostConnectionSurfacesAsAnErrorNotAHang() throws Exception {
        try (RedisServer server = RedisServer.start("--repl-diskless-sync", "no");
             ReplicationClient client = ReplicationClient.connect(endpoint(server), ReplicationConfig.defaults())) {
            client.psync("?", -1);
            readAll(client.rdbStream());
            server.call("CLIENT", "KILL", "TYPE", "replica");
            IOException e = assertThrows(IOException.class,
                    () -> readUntil(client.commandStream(), "never", Duration.ofSeconds(10), client));
            String m = e.getMessage();
            assertTrue(m.startsWith("source 127.0.0.1:" + server.port() + " closed the replication connection"), m);
        }
    }

    private static long spoolFileBytes(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
