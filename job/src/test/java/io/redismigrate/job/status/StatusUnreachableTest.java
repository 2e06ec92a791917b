package io.redismigrate.job.status;

import io.redismigrate.job.Main;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** status against a port nobody listens on: exit 3 and one line naming the URL and the fix. */
class StatusUnreachableTest {
    @Test
    void unreachableRestApiIsOneLineWithTheFix() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(new String[] {"status", "--rest", "http://127.0.0.1:" + port, "--wait-caught-up"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(Main.EXIT_PRECHECK, code, e);
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.startsWith("redis-migrate: cannot reach Flink's REST API at http://127.0.0.1:" + port + " ("), e);
        assertTrue(e.contains("--rest URL"), e);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
