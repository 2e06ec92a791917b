package io.redismigrate.connector.sink;

import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.testutils.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelinedConnectionTest {
    private static RedisServer server;

    @BeforeAll
    static void start() throws IOException {
        server = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static RedisEvent set(String key, int db) {
        return RedisEvent.command("split-0", 0, db, b(key), new byte[][] {b("SET"), b(key), b("v")});
    }

    private static RedisEvent hset(String key, int db) {
        return RedisEvent.command("split-0", 0, db, b(key), new byte[][] {b("HSET"), b(key), b("f"), b("v")});
    }

    private PipelinedConnection open(RedisSinkConfig c) throws IOException {
        return PipelinedConnection.open(c.target(), c);
    }

    private RedisSinkConfig config() {
        return RedisSinkConfig.of(RedisEndpoint.parse(server.uri()));
    }

    @Test
    void repliesAreMatchedToTheirCommandsAcrossTheRingAndTheFirstErrorWins() throws Exception {
        server.sync().flushall();
        // a small ring wraps many times; the failing commands sit far from its start
        try (PipelinedConnection c = open(config().withMaxInFlight(100))) {
            for (int i = 0; i < 30_000; i++) {
                c.sendCommand(set("k" + i, i % 3));
                if (i == 21_345) c.sendCommand(hset("k" + i, i % 3));      // WRONGTYPE, first
                if (i == 25_000) c.sendCommand(hset("k" + i, i % 3));      // WRONGTYPE, second
            }
            c.awaitReplies();
        } catch (RedisWriteException e) {
            assertEquals("target 127.0.0.1:" + server.port() + ": HSET of key 'k21345' (db 0) failed: "
                    + "WRONGTYPE Operation against a key holding the wrong kind of value", e.getMessage());
            return;
        }
        throw new AssertionError("no error reported");
    }

    @Test
    void awaitRepliesReportsTheFirstErrorAfterAllRepliesArrived() throws Exception {
        server.sync().flushall();
        try (PipelinedConnection c = open(config())) {
            c.sendCommand(set("a", 0));
            c.sendCommand(hset("a", 0));
            c.sendCommand(set("b", 0));
            RedisWriteException e = assertThrows(RedisWriteException.class, c::awaitReplies);
            assertTrue(e.getMessage().contains("HSET of key 'a' (db 0)"), e.getMessage());
            assertEquals(0, c.inFlight());
            assertEquals("v", server.sync().get("b"));
            assertThrows(RedisWriteException.class, () -> c.sendCommand(set("c", 0)));
        }
        assertEquals(0L, server.sync().exists("c"));
    }

    @Test
    void silentTargetFailsAfterTheReplyTimeout() throws Exception {
        try (PipelinedConnection c = open(config().withReplyTimeoutMs(300))) {
            c.sendCommand(RedisEvent.command("split-0", 0, 0, null, new byte[][] {b("DEBUG"), b("SLEEP"), b("2")}));
            IOException e = assertThrows(IOException.class, c::awaitReplies);
            assertFalse(e instanceof RedisWriteException);
            assertTrue(e.getMessage().startsWith("target 127.0.0.1:" + server.port() + ": no reply within 300 ms"), e.getMessage());
        }
        Thread.sleep(2000); // let the server finish sleeping before other tests use it
    }

    @Test
    void idleConnectionOutlivesTheReplyTimeout() throws Exception {
        try (PipelinedConnection c = open(config().withReplyTimeoutMs(100))) {
            Thread.sleep(400);
            c.sendCommand(set("after-idle", 0));
            c.awaitReplies();
        }
        assertEquals("v", server.sync().get("after-idle"));
    }
}
