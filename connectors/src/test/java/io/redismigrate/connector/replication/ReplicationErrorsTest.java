package io.redismigrate.connector.replication;

import io.redismigrate.connector.resp.RedisAccessException;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.testutils.RedisServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import static io.redismigrate.connector.replication.ReplicationTestSupport.endpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expected failures give one clear line that names the node, the cause and the fix, and never a password. */
class ReplicationErrorsTest {
    private static final String PASSWORD = "S3cret-pw-42";

    @Test
    void unreachableSourceFailsFast() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // free again once closed: nothing listens there
        }
        long t0 = System.nanoTime();
        RedisAccessException e = assertThrows(RedisAccessException.class, () -> ReplicationClient.connect(
                RedisEndpoint.parse("redis://127.0.0.1:" + port), ReplicationConfig.defaults().withConnectTimeoutMs(2000)));
        assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "failed fast");
        assertEquals("source 127.0.0.1:" + port + " is unreachable (connection refused); check that Redis runs there and the host and port in the URI",
                e.getMessage());
    }

    @Test
    void wrongPasswordIsRefusedWithoutShowingIt() throws Exception {
        try (RedisServer server = RedisServer.start("--requirepass", PASSWORD)) {
            RedisAccessException e = assertThrows(RedisAccessException.class, () -> ReplicationClient.connect(
                    RedisEndpoint.parse(server.uri(null, "wrong-" + PASSWORD)), ReplicationConfig.defaults()));
            assertTrue(e.getMessage().contains("refused the password"), e.getMessage());
            assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line");
        }
    }

    @Test
    void missingPasswordSaysNoauth() throws Exception {
        try (RedisServer server = RedisServer.start("--requirepass", PASSWORD)) {
            RedisAccessException e = assertThrows(RedisAccessException.class,
                    () -> ReplicationClient.connect(endpoint(server), ReplicationConfig.defaults()));
            assertTrue(e.getMessage().contains("requires a password (NOAUTH)"), e.getMessage());
        }
    }

    @Test
    void userWithoutPsyncPermissionGetsTheAclFix() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            server.call("ACL", "SETUSER", "bob", "on", ">" + PASSWORD, "~*", "+@all", "-psync", "-sync");
            try (ReplicationClient client = ReplicationClient.connect(
                    RedisEndpoint.parse(server.uri("bob", PASSWORD)), ReplicationConfig.defaults())) {
                RedisAccessException e = assertThrows(RedisAccessException.class, () -> client.psync("?", -1));
                assertEquals("source 127.0.0.1:" + server.port() + ": user 'bob' may not replicate (NOPERM on PSYNC); "
                        + "grant it with: ACL SETUSER bob +psync +replconf +sync", e.getMessage());
            }
            // granting what the message says makes it work
            server.call("ACL", "SETUSER", "bob", "+psync", "+replconf", "+sync");
            try (ReplicationClient client = ReplicationClient.connect(
                    RedisEndpoint.parse(server.uri("bob", PASSWORD)), ReplicationConfig.defaults())) {
                assertEquals(SyncStart.Kind.FULL, client.psync("?", -1).kind());
            }
        }
    }

    @Test
    void userWithoutReplconfPermissionIsNamedToo() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            server.call("ACL", "SETUSER", "carol", "on", ">" + PASSWORD, "~*", "+@all", "-replconf");
            try (ReplicationClient client = ReplicationClient.connect(
                    RedisEndpoint.parse(server.uri("carol", PASSWORD)), ReplicationConfig.defaults())) {
                RedisAccessException e = assertThrows(RedisAccessException.class, () -> client.psync("?", -1));
                assertTrue(e.getMessage().contains("user 'carol' may not replicate (NOPERM on REPLCONF)"), e.getMessage());
                assertFalse(e.getMessage().contains(PASSWORD));
            }
        }
    }

    @Test
    void otherRefusalsCarryTheSourceText() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        try (RedisServer server = RedisServer.start()) {
            // a replica whose own master is unreachable refuses to feed replicas
            server.call("REPLICAOF", "127.0.0.1", String.valueOf(deadPort));
            try (ReplicationClient client = ReplicationClient.connect(endpoint(server), ReplicationConfig.defaults())) {
                IOException e = assertThrows(IOException.class, () -> client.psync("?", -1));
                assertFalse(e instanceof RedisAccessException, "not an access problem: " + e);
                assertTrue(e.getMessage().startsWith("source 127.0.0.1:" + server.port() + " refused PSYNC: NOMASTERLINK"), e.getMessage());
            }
        }
    }
}
