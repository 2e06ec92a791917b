package io.redismigrate.connector.rdb;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DumpPayloads} against real servers: every value of a newer server (all types, small and big encodings,
 * streams with groups, TTLs, binary keys) DUMPed, made fit for an older server (as it is, re-labelled, or decoded
 * into commands) and written there must read back the same ({@link Canonical}). Runs for every (newer, older) pair
 * of the version matrix; without it, on the system server with a pretended older level.
 */
class DumpPayloadsVersionsTest {

    static Stream<Arguments> newerIntoOlder() {
        List<Arguments> pairs = new ArrayList<>();
        for (ServerVersion a : ServerVersions.all()) {
            for (ServerVersion b : ServerVersions.all()) {
                if (info(a).rdb() > info(b).redisLevel() && !a.equals(b)) pairs.add(Arguments.of(a, b));
            }
        }
        if (pairs.isEmpty()) System.err.println("DumpPayloadsVersionsTest: no newer -> older pair in the version matrix; "
                + "only the system-server cases run");
        return pairs.stream();
    }

    static ServerInfo info(ServerVersion v) {
        String version = v.major() + "." + v.minor() + "." + v.patch();
        return v.isValkey() ? ServerInfo.valkey(version) : ServerInfo.redis(version);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("newerIntoOlder")
    void everyValueReadsBackTheSameOnTheOlderServer(ServerVersion newer, ServerVersion older) throws Exception {
        try (RedisServer source = RedisServer.start(newer); RedisServer target = RedisServer.start(older)) {
            TestData.populateAllTypes(source);
            int level = info(older).redisLevel();
            int[] paths = copyEveryKey(source, target, level);
            for (int db : new int[] {0, 3}) {
                Canonical.assertSame(source, target, db, newer + " -> " + older);
            }
            assertTrue(paths[1] > 0, "some payloads re-labelled: strings are readable everywhere");
            System.err.println(newer + " -> " + older + ": " + paths[0] + " as is, " + paths[1] + " re-labelled, "
                    + paths[2] + " decoded");
        }
    }

    /** The system server with a pretended older level: re-labelled and forcibly decoded payloads read back the same. */
    @Test
    void relabelledAndDecodedPayloadsReadBackTheSameOnTheSystemServer() throws Exception {
        try (RedisServer source = RedisServer.start(); RedisServer relabelled = RedisServer.start();
             RedisServer decoded = RedisServer.start()) {
            TestData.populateAllTypes(source);
            int level = info(source.serverVersion()).redisLevel();
            copyEveryKey(source, relabelled, level - 1 < 9 ? level : 9); // 9: every server since 5.0 reads it
            copyEveryKey(source, decoded, 0); // level 0: nothing is readable, everything is decoded
            for (int db : new int[] {0, 3}) {
                Canonical.assertSame(source, relabelled, db, "re-labelled");
                Canonical.assertSame(source, decoded, db, "decoded");
            }
        }
    }

    @Test
    void relabelRewritesVersionAndChecksumOnly() {
        byte[] payload = {0, 3, 'a', 'b', 'c', 10, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] p = DumpPayloads.relabel(payload, 9);
        assertEquals(9, DumpPayloads.version(p));
        assertArrayEquals(java.util.Arrays.copyOf(payload, 5), java.util.Arrays.copyOf(p, 5));
        long crc = 0;
        for (int i = 0; i < 8; i++) crc |= (p[p.length - 8 + i] & 0xffL) << (8 * i);
        assertEquals(Crc64.of(p, 0, p.length - 8), crc);
        assertNotNull(DumpPayloads.forTarget(p, level(9)));
        assertEquals(p, DumpPayloads.forTarget(p, level(12)), "a payload the target reads is passed as it is");
        byte[] setListpack = {20, 0, 11, 0, 0, 0, 0, 0, 0, 0, 0};
        assertNull(DumpPayloads.forTarget(setListpack, level(10)), "a listpack set must be decoded for RDB 10");
        byte[] valkeyHash2 = DumpPayloads.relabel(new byte[] {22, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 80);
        assertNull(DumpPayloads.forTarget(valkeyHash2, level(12)), "Valkey's hash2 is decoded for Redis");
        assertEquals(valkeyHash2, DumpPayloads.forTarget(valkeyHash2, level(11).withTargetValkeyRdb(80)), "as is for Valkey 9");
        byte[] valkeyString = DumpPayloads.relabel(new byte[] {0, 1, 'x', 0, 0, 0, 0, 0, 0, 0, 0, 0}, 80);
        assertEquals(10, DumpPayloads.version(DumpPayloads.forTarget(valkeyString, level(10))), "a shared type is re-labelled");
    }

    @Test
    void aCorruptPayloadIsRefusedBeforeDecoding() {
        byte[] payload = DumpPayloads.relabel(new byte[] {0, 3, 'a', 'b', 'c', 10, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 10);
        payload[2] ^= 1;
        RdbException e = assertThrows(RdbException.class,
                () -> DumpPayloads.decode(payload, "k".getBytes(), 0, RdbParserConfig.defaults()));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    /** DUMPs every key of DBs 0 and 3 and writes it to {@code target} as a server reading up to {@code level} must get it. */
    private static int[] copyEveryKey(RedisServer source, RedisServer target, int level) throws IOException {
        int[] paths = new int[3];
        RdbParserConfig config = RdbParserConfig.defaults().withTargetRdbVersion(level).withChunks(100, 4096);
        try (RedisConnection tgt = RedisConnection.open(RedisEndpoint.parse(target.uri()), "target", 5000)) {
            for (DumpedKeys.Dumped d : DumpedKeys.of(source, 0, 3)) {
                tgt.call("SELECT", String.valueOf(d.db()));
                byte[] key = d.key();
                byte[] payload = d.payload();
                long at = d.expireAtMs();
                byte[] fit = DumpPayloads.forTarget(payload, config);
                List<byte[][]> writes;
                if (fit != null) {
                    paths[fit == payload ? 0 : 1]++;
                    writes = List.<byte[][]>of(new byte[][] {b("RESTORE"), key, b(Long.toString(at)), fit, b("REPLACE"), b("ABSTTL")});
                } else {
                    paths[2]++;
                    writes = DumpPayloads.decode(payload, key, at, config);
                }
                for (byte[][] w : writes) {
                    Object reply = tgt.call(w);
                    assertTrue(!(reply instanceof RespError), new String(w[0], StandardCharsets.US_ASCII) + " of '"
                            + new String(key, StandardCharsets.ISO_8859_1) + "' (type " + DumpPayloads.type(payload) + "): " + reply);
                }
            }
        }
        return paths;
    }

    private static RdbParserConfig level(int level) {
        return RdbParserConfig.defaults().withTargetRdbVersion(level).withTargetValkeyRdb(0);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
