package io.redismigrate.connector.resp;

import io.redismigrate.connector.testutils.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Passwords never show in a message, whatever characters they hold and whichever way parsing or connecting
 * fails; referenced passwords (file, environment) are read at each connection.
 */
class RedisEndpointSecretsTest {
    @TempDir
    Path dir;

    /** Every printable ASCII character, plus a few beyond, each inside a password. */
    static List<String> passwords() {
        List<String> out = new ArrayList<>();
        for (char c = 0x21; c < 0x7f; c++) out.add("Pw" + c + "x9" + c + "Q");
        out.add("Pw x9 Q");
        out.add("Pwé€x9");
        return out;
    }

    /** Malformed or unusable URIs holding {@code pw} raw and percent-encoded. */
    static List<String> badUris(String pw) {
        String enc = URLEncoder.encode(pw, StandardCharsets.UTF_8).replace("+", "%20");
        List<String> out = new ArrayList<>();
        for (String p : List.of(pw, enc)) {
            out.add("redis://:" + p + "@");                 // no host
            out.add("redis://:" + p + "@host:notaport");    // bad port
            out.add("http://:" + p + "@host:6379");         // wrong scheme
            out.add("redis://user:" + p + "@ho st:6379");   // bad host
            out.add("redis://:" + p + "%zz@host:6379");      // bad escape
            out.add("redis://:" + p + "@:6379");
        }
        return out;
    }

    @Test
    void noParseErrorShowsThePassword() {
        for (String pw : passwords()) {
            for (String uri : badUris(pw)) {
                String message;
                try {
                    RedisEndpoint.parse(uri);
                    continue; // parsed (a password character made it a valid URI): nothing printed
                } catch (IllegalArgumentException e) {
                    message = e.getMessage();
                }
                assertNoSecret(pw, RedisEndpoint.redact(message), uri);
                assertNoSecret(pw, message, uri);
            }
        }
    }

    @Test
    void redactMasksUrisInsideAnyMessage() {
        for (String pw : passwords()) {
            String enc = URLEncoder.encode(pw, StandardCharsets.UTF_8);
            for (String p : List.of(pw, enc)) {
                String text = "failed: cannot use redis://alice:" + p + "@old-host:6379 (reason)";
                try {
                    RedisEndpoint.parse("redis://alice:" + p + "@old-host:6379");
                } catch (IllegalArgumentException ignored) {
                    // registering the password is what counts
                }
                String r = RedisEndpoint.redact(text);
                assertNoSecret(pw, r, text);
                assertTrue(r.contains("old-host:6379"), r);
            }
        }
        assertEquals("no host in redis://***@old-host:6379 and rediss://***@b:1",
                RedisEndpoint.redact("no host in redis://:s3cr/t@old-host:6379 and rediss://u:x@y@b:1"));
    }

    @Test
    void connectionErrorsNeverShowThePassword() throws Exception {
        String pw = "Rot@ted/pass:w0rd#1";
        try (RedisServer server = RedisServer.start("--requirepass", "right-one")) {
            RedisEndpoint wrong = new RedisEndpoint("127.0.0.1", server.port(), null, pw, false);
            RedisAccessException e = assertThrows(RedisAccessException.class,
                    () -> RedisConnection.open(wrong, "source", 2000));
            assertNoSecret(pw, e.getMessage(), "WRONGPASS");
            assertTrue(e.getMessage().contains("refused the password"), e.getMessage());
        }
        int closed = RedisServer.freePort();
        RedisEndpoint unreachable = new RedisEndpoint("127.0.0.1", closed, "u", pw, false);
        RedisAccessException e = assertThrows(RedisAccessException.class, () -> RedisConnection.open(unreachable, "target", 500));
        assertNoSecret(pw, e.getMessage(), "unreachable");
    }

    @Test
    void aPasswordFileIsReadAtEachConnectionSoARotationApplies() throws Exception {
        Path file = dir.resolve("pw");
        Files.writeString(file, "first-secret\n");
        try (RedisServer server = RedisServer.start("--requirepass", "first-secret")) {
            RedisEndpoint e = RedisEndpoint.parse("redis://127.0.0.1:" + server.port()).withPasswordFile(file.toString());
            assertEquals("file " + file.toAbsolutePath(), e.passwordSource());
            try (RedisConnection c = RedisConnection.open(e, "source", 2000)) {
                assertEquals("OK", RespReader.text(c.call("CONFIG", "SET", "requirepass", "second-secret")));
            }
            Files.writeString(file, "second-secret");
            try (RedisConnection c = RedisConnection.open(e, "source", 2000)) {
                assertEquals("PONG", RespReader.text(c.call("PING")));
            }
            Files.writeString(file, "stale");
            RedisAccessException wrong = assertThrows(RedisAccessException.class, () -> RedisConnection.open(e, "source", 2000));
            assertTrue(wrong.getMessage().contains("fix the credentials in the file " + file.toAbsolutePath()), wrong.getMessage());
            assertNoSecret("stale", wrong.getMessage(), "file");
            Files.delete(file);
            RedisAccessException missing = assertThrows(RedisAccessException.class, () -> RedisConnection.open(e, "source", 2000));
            assertTrue(missing.getMessage().contains("cannot read the password file"), missing.getMessage());
        }
    }

    @Test
    void anUnsetPasswordVariableIsNamedNotGuessed() {
        RedisEndpoint e = RedisEndpoint.parse("redis://127.0.0.1:1").withPasswordEnv("REDIS_MIGRATE_TEST_UNSET_VARIABLE");
        RedisAccessException x = assertThrows(RedisAccessException.class, () -> e.resolvePassword("target"));
        assertTrue(x.getMessage().contains("environment variable REDIS_MIGRATE_TEST_UNSET_VARIABLE"), x.getMessage());
        assertTrue(x.getMessage().contains("--target-password-file"), x.getMessage());
    }

    static void assertNoSecret(String pw, String message, String context) {
        if (message == null) return;
        String enc = URLEncoder.encode(pw, StandardCharsets.UTF_8);
        // the distinctive core of each test password: "x9" and what surrounds it
        int i = pw.indexOf("x9");
        String core = pw.substring(Math.max(0, i - 1), Math.min(pw.length(), i + 3));
        assertFalse(message.contains(pw) || message.contains(enc) || message.contains(core),
                "password visible for " + context + ": " + message);
    }
}
