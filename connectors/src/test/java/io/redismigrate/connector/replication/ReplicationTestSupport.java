package io.redismigrate.connector.replication;

import io.redismigrate.connector.rdb.Crc64;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.testutils.RedisServer;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Helpers shared by the replication tests (not a test itself). */
final class ReplicationTestSupport {
    private ReplicationTestSupport() {
    }

    static RedisEndpoint endpoint(RedisServer server) {
        return RedisEndpoint.parse(server.uri());
    }

    /** Magic, EOF opcode and the trailing CRC-64 over everything before it. */
    static void assertValidRdb(byte[] rdb) {
        assertTrue(rdb.length > 18, "RDB too short: " + rdb.length + " bytes");
        assertEquals("REDIS00", new String(rdb, 0, 7, StandardCharsets.US_ASCII), "RDB magic");
        assertEquals((byte) 0xFF, rdb[rdb.length - 9], "EOF opcode 9 bytes before the end");
        long stored = ByteBuffer.wrap(rdb, rdb.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long computed = Crc64.of(rdb, 0, rdb.length - 8);
        assertEquals(Long.toHexString(stored), Long.toHexString(computed), "RDB CRC-64");
    }

    /**
     * Reads from {@code in} in another thread until the bytes read contain {@code needle}; on timeout closes
     * {@code client} (which must end the blocked read) and fails.
     */
    static byte[] readUntil(InputStream in, String needle, Duration timeout, Closeable client) throws Exception {
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<byte[]> f = ex.submit(() -> {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                byte[] buf = new byte[4096];
                while (!got.toString(StandardCharsets.ISO_8859_1).contains(needle)) {
                    int n = in.read(buf, 0, buf.length);
                    if (n < 0) throw new IOException("stream ended before '" + needle + "'");
                    got.write(buf, 0, n);
                }
                return got.toByteArray();
            });
            try {
                return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                client.close();
                fail("'" + needle + "' did not arrive within " + timeout);
                return null;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception) throw (Exception) e.getCause();
                throw e;
            }
        } finally {
            ex.shutdownNow();
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf, 0, buf.length)) >= 0) out.write(buf, 0, n);
        return out.toByteArray();
    }

    static Map<String, String> info(RedisServer server, String section) {
        Map<String, String> m = new HashMap<>();
        for (String line : server.sync().info(section).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) m.put(line.substring(0, colon), line.substring(colon + 1));
        }
        return m;
    }

    static long infoLong(RedisServer server, String section, String field) {
        String v = info(server, section).get(field);
        if (v == null) throw new AssertionError("INFO " + section + " has no " + field);
        return Long.parseLong(v);
    }

    static void waitFor(String what, Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out after " + timeout + " waiting for " + what);
            Thread.sleep(20);
        }
    }
}
