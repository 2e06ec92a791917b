package io.redismigrate.connector.rdb;

import io.redismigrate.connector.testutils.EventApplier;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parses an RDB written by a real server and applies the result to another real server: the digests must match,
 * both on the fast path (RESTORE payloads) and on the decoding path (every value rewritten as commands).
 */
class RdbParserRoundTripTest {
    static RedisServer source;
    static Path rdb;

    @BeforeAll
    static void writeRdb() throws Exception {
        source = RedisServer.start();
        TestData.populateAllTypes(source);
        source.call("SAVE");
        rdb = source.dir().resolve("dump.rdb");
    }

    @AfterAll
    static void stop() {
        source.close();
    }

    /** XPENDING entries without the idle time (which moves with the clock): id, consumer, delivery count. */
    static String pending(RedisServer s, String key) {
        StringBuilder sb = new StringBuilder();
        for (Object o : s.call("XPENDING", key, "g1", "-", "+", "100")) {
            java.util.List<?> e = (java.util.List<?>) o;
            sb.append(e.get(0)).append('/').append(e.get(1)).append('/').append(e.get(3)).append(' ');
        }
        return sb.toString();
    }

    @ParameterizedTest(name = "big-key threshold {0}")
    @ValueSource(longs = {64L << 20, 0, 2000})
    void destinationEqualsSourceAfterApplyingParsedEvents(long threshold) throws Exception {
        try (RedisServer target = RedisServer.start(); EventApplier applier = new EventApplier(target);
             InputStream in = Files.newInputStream(rdb)) {
            RdbParser parser = new RdbParser(in, applier, RdbParserConfig.defaults().withBigKeyThreshold(threshold).withChunks(100, 4096));
            parser.parse();
            assertEquals(java.util.List.of(), applier.errors);
            assertEquals(source.digest(), target.digest());
            if (threshold == 0) assertEquals(0, parser.keysRestored());
            if (threshold > 1_000_000) assertEquals(0, parser.keysDecoded());
            assertTrue(parser.keysRestored() + parser.keysDecoded() > 30);
            for (int db : new int[] {0, 3}) {
                source.sync().select(db);
                target.sync().select(db);
                String p = "db" + db + ":";
                assertEquals(source.call("PEXPIRETIME", p + "ttl"), target.call("PEXPIRETIME", p + "ttl"));
                assertEquals(source.call("XINFO", "GROUPS", p + "stream").toString(), target.call("XINFO", "GROUPS", p + "stream").toString());
                assertTrue(pending(source, p + "stream").split(" ").length == 15, "15 pending entries expected");
                assertEquals(pending(source, p + "stream"), pending(target, p + "stream"));
            }
            source.sync().select(0);
        }
    }

    /**
     * Strings without a TTL as plain SETs ({@link RdbParserConfig#stringsAsSet()}): every string encoding (embedded,
     * raw, integer, LZF-compressed, bigger than one command) ends up equal; strings with a TTL stay RESTOREs, their
     * TTLs exact to the millisecond; other types are untouched.
     */
    @org.junit.jupiter.api.Test
    void stringsAsPlainSetsEndUpEqual() throws Exception {
        try (RedisServer src = RedisServer.start(); RedisServer target = RedisServer.start(); EventApplier applier = new EventApplier(target)) {
            long at = System.currentTimeMillis() + 3_600_000;
            StringBuilder noise = new StringBuilder(); // incompressible: stored raw, bigger than one 4096-byte command
            java.util.Random rnd = new java.util.Random(7);
            while (noise.length() < 10_000) noise.append((char) ('!' + rnd.nextInt(90)));
            String[] values = {"v", "12345", "-9223372036854775808", "x".repeat(300), "ab".repeat(5000), noise.toString()};
            for (int i = 0; i < values.length; i++) {
                src.sync().set("s:" + i, values[i]);
                src.sync().set("t:" + i, values[i]);
                src.call("PEXPIREAT", "t:" + i, Long.toString(at + i));
            }
            src.sync().rpush("list", "a", "b");
            src.call("SAVE");
            try (InputStream in = Files.newInputStream(src.dir().resolve("dump.rdb"))) {
                RdbParser parser = new RdbParser(in, applier, RdbParserConfig.defaults().withChunks(100, 4096).withStringsAsSet(true));
                parser.parse();
                assertEquals(java.util.List.of(), applier.errors);
                assertEquals(6, parser.keysSet());
                assertEquals(7, parser.keysRestored(), "the strings with a TTL and the list");
            }
            assertEquals(src.digest(), target.digest());
            for (int i = 0; i < values.length; i++) {
                assertEquals(at + i, ((Number) target.call("PEXPIRETIME", "t:" + i).get(0)).longValue(), "t:" + i);
                assertEquals(-1L, ((Number) target.call("PEXPIRETIME", "s:" + i).get(0)).longValue(), "s:" + i);
            }
        }
    }
}
