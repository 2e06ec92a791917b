package io.redismigrate.connector.rdb;

import io.redismigrate.connector.testutils.EventApplier;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.ServerVersion;
import io.redismigrate.connector.testutils.ServerVersions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Valkey's own RDB format (magic {@code VALKEY080}: type 22 is Valkey's hash2, opcode 243 a slot import) and Redis
 * RDB 13 (type 26, streams with IDMP), from the corpus files MANIFEST.md describes and small hand-built files:
 * what they decode to, which destinations get RESTORE payloads and with which RDB version, what stops the job, and
 * one-line errors for every truncation and for the damaged or unsupported variants.
 */
class RdbValkeyAndV13Test {
    static final String VALKEY = "HDT3213__rdb/valkey_hash2_with_hfe.rdb";
    static final String IDMP = "redis__librdb/stream_v13_idmp.rdb";
    static final String IDMP_KEY = "stream_lp1_cg2_pel1_prod2_ent1";

    static final RdbParserConfig KEEP = RdbParserConfig.defaults().withSkipExpired(false);
    /** Destinations by what they read: Redis 7.4/8.0 (RDB 12, field TTLs), Valkey 8 (RDB 11, none), Valkey 9, Redis 8.6. */
    static final RdbParserConfig REDIS_8_0 = KEEP.withTargetRdbVersion(12).withTargetValkeyRdb(0);
    static final RdbParserConfig REDIS_7_0 = KEEP.withTargetRdbVersion(10).withTargetValkeyRdb(0).withTargetFieldTtls(false);
    static final RdbParserConfig VALKEY_8 = KEEP.withTargetRdbVersion(11).withTargetValkeyRdb(0).withTargetFieldTtls(false);
    static final RdbParserConfig VALKEY_9 = KEEP.withTargetRdbVersion(11).withTargetValkeyRdb(80);
    static final RdbParserConfig REDIS_8_6 = KEEP.withTargetRdbVersion(13).withTargetValkeyRdb(0);

    /** MANIFEST: hash2-hfe {F1:V1, F2:V2, F3:V3}, F1 expires 2715785640000, F2 2400425640000, F3 never. */
    @Test
    void valkeyHash2DecodesToHsetAndOneHpexpireatPerFieldWithATtl() throws IOException {
        for (RdbParserConfig cfg : List.of(REDIS_8_0, REDIS_8_0.withBigKeyThreshold(0), VALKEY_9.withBigKeyThreshold(0))) {
            Collected c = Collected.parse(Corpus.bytes(VALKEY), cfg);
            assertTrue(c.parser.valkey());
            assertEquals(80, c.version);
            assertEquals("9.0.1", c.aux.get("valkey-ver"));
            Collected.Key k = c.get(0, "hash2-hfe");
            assertEquals(Map.of("F1", "V1", "F2", "V2", "F3", "V3"), k.hash);
            assertEquals(new TreeMap<>(Map.of("F1", 2715785640000L, "F2", 2400425640000L)), k.fieldExpireAt);
            assertEquals(List.of("DEL", "HSET", "HPEXPIREAT", "HPEXPIREAT"), k.commands);
            assertEquals(0, k.expireAt);
            assertEquals(1, c.parser.keysDecoded());
        }
    }

    @Test
    void valkeyHash2IsRestoredOnlyIntoValkey9WithTheFilesVersion() throws IOException {
        Collected c = Collected.parse(Corpus.bytes(VALKEY), VALKEY_9);
        byte[] p = c.get(0, "hash2-hfe").payload;
        assertEquals(22, p[0]);
        assertEquals(80, label(p));
        RdbCorpusTest.checkPayload(p, VALKEY);
        // the payload, read back inside a Valkey file, is the same hash
        Collected again = Collected.parse(RdbCorpusTest.oneKeyRdb(c.get(0, "hash2-hfe"), 80, true), REDIS_8_0);
        assertEquals(Map.of("F1", "V1", "F2", "V2", "F3", "V3"), again.get(0, "hash2-hfe").hash);
    }

    @Test
    void valkeyHash2WithFieldTtlsIntoATargetWithoutThemStops() throws IOException {
        for (RdbParserConfig cfg : List.of(VALKEY_8, REDIS_7_0)) {
            byte[] rdb = Corpus.bytes(VALKEY); // outside assertThrows: a missing corpus skips the test
            TargetCannotStoreException e = assertThrows(TargetCannotStoreException.class, () -> Collected.parse(rdb, cfg));
            assertTrue(e.getMessage().contains("hash 'hash2-hfe' (db 0) has fields with a TTL"), e.getMessage());
            assertTrue(e.getMessage().contains("Valkey 9.0+"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    /** A Valkey 80 file's values of shared types are labelled with the destination's level, at most 11, never 80. */
    @Test
    void sharedTypesOfAValkeyFileAreLabelledForTheDestination() throws IOException {
        byte[] file = valkeyFile(false, -1);
        Map<RdbParserConfig, Integer> labels = Map.of(REDIS_7_0, 10, VALKEY_8, 11, VALKEY_9, 11, REDIS_8_0, 11, KEEP, 11);
        for (Map.Entry<RdbParserConfig, Integer> e : labels.entrySet()) {
            Collected c = Collected.parse(file, e.getKey());
            for (String key : List.of("s", "l")) {
                byte[] p = c.get(0, key).payload;
                assertEquals(e.getValue(), label(p), key + " for " + e.getKey());
                RdbCorpusTest.checkPayload(p, key);
            }
            Collected.Key h = c.get(0, "h");
            if (h.payload == null) assertEquals(Map.of("f", "v"), h.hash);
            else assertEquals(80, label(h.payload), "Valkey's hash2 keeps the file's version");
            assertEquals(e.getKey().targetValkeyRdb() >= 80, h.payload != null, "hash2 restored only into Valkey 9+");
        }
    }

    /** RESTOREs of a Valkey file's shared types, labelled for each installed server, are accepted by it. */
    @Test
    void realServersAcceptTheRelabelledPayloadsOfAValkeyFile() throws IOException {
        byte[] file = valkeyFile(false, -1);
        int tried = 0;
        for (ServerVersion v : ServerVersions.all()) {
            RdbParserConfig cfg = v.isValkey() ? VALKEY_8 : v.number() >= 7.4 ? REDIS_8_0 : v.number() >= 7.0 ? REDIS_7_0
                    : KEEP.withTargetRdbVersion(9).withTargetValkeyRdb(0).withTargetFieldTtls(false);
            try (RedisServer s = RedisServer.start(v); EventApplier a = new EventApplier(s)) {
                new RdbParser(new ByteArrayInputStream(file), a, cfg).parse();
                assertEquals(List.of(), a.errors, v.name());
                assertEquals(cfg.targetRdbVersion() >= 10 ? 2 : 1, a.restores, v.name()); // before 7.0 the quicklist 2 is decoded
                assertEquals("hello", s.sync().get("s"), v.name());
                assertEquals(List.of("a", "b"), s.sync().lrange("l", 0, -1), v.name());
                assertEquals(Map.of("f", "v"), s.sync().hgetall("h"), v.name());
                tried++;
            }
        }
        assertTrue(tried > 0);
    }

    /** The Valkey file's decoded commands applied to a real Redis 8.0: the hash and its two field TTLs. */
    @Test
    void valkeyHash2AppliedToRedis8() throws IOException {
        Optional<ServerVersion> v = ServerVersions.all().stream().filter(s -> s.name().equals("redis-8.0")).findFirst();
        java.nio.file.Path installed = java.nio.file.Path.of(System.getProperty("user.home"), ".cache/redis-matrix/redis-8.0/bin/redis-server");
        if (v.isEmpty() && java.nio.file.Files.isExecutable(installed)) v = Optional.of(ServerVersion.probe(installed.toString()));
        if (v.isEmpty()) {
            System.err.println("NOTICE: redis-8.0 of the version matrix not found; Valkey hash2 into Redis 8.0 skipped");
            Assumptions.abort("redis-8.0 not installed");
        }
        try (RedisServer s = RedisServer.start(v.get()); EventApplier a = new EventApplier(s)) {
            new RdbParser(new ByteArrayInputStream(Corpus.bytes(VALKEY)), a, REDIS_8_0).parse();
            assertEquals(List.of(), a.errors);
            assertEquals(0, a.restores);
            assertEquals(Map.of("F1", "V1", "F2", "V2", "F3", "V3"), s.sync().hgetall("hash2-hfe"));
            assertEquals(List.of(2715785640000L, 2400425640000L, -1L),
                    s.call("HPEXPIRETIME", "hash2-hfe", "FIELDS", "3", "F1", "F2", "F3"));
            assertEquals(-1L, s.sync().pttl("hash2-hfe"));
        }
    }

    @Test
    void valkeyHeadersAndOpcodesOutsideRdb80AreRefusedInOneLine() throws IOException {
        byte[] ok = Corpus.bytes(VALKEY);
        assertOneLine(withHead(ok, "VALKEY081"), "unsupported Valkey RDB version 81 (magic 'VALKEY081'): this tool reads Valkey RDB 80");
        assertOneLine(withHead(ok, "VALKEY011"), "unsupported Valkey RDB version 11");
        assertOneLine(withHead(ok, "VALKEYx80"), "not an RDB file: bad Valkey version digits 'x80'");
        assertOneLine(valkeyFile(true, -1), "the Valkey source was importing slots 0-99 1000-1000 (slot migration job 'job1')");
        assertOneLine(valkeyFile(false, 23), "unsupported value type or opcode 23 in a Valkey RDB 80 file (Valkey 9.0 writes value types 0-22)");
        // a field expiry below -1 (Valkey's "none")
        byte[] bad = Corpus.bytes(VALKEY).clone();
        int f3 = indexOf(bad, "F3\u0002V3".getBytes(StandardCharsets.ISO_8859_1)) + 5;
        bad[f3 + 7] = (byte) 0x80; // -1 becomes a large negative number
        RdbException e = assertThrows(RdbException.class, () -> Collected.parse(bad, REDIS_8_0.withBigKeyThreshold(0)));
        assertTrue(e.getMessage().startsWith("corrupt Valkey hash: field expiry"), e.getMessage());
        // the same bytes in a Redis file: 243 is Redis 8's KEY_META
        byte[] redis = withHead(valkeyFile(true, -1), "REDIS0013");
        assertOneLine(redis, "unsupported RDB value type or opcode 243 (opcode 243 KEY_META: metadata a module attached");
    }

    @Test
    void everyTruncationOfTheNewFormatsIsOneLine() throws IOException {
        Map<String, List<RdbParserConfig>> targets = Map.of(
                VALKEY, List.of(VALKEY_9, REDIS_8_0.withBigKeyThreshold(0)),
                IDMP, List.of(REDIS_8_6, REDIS_8_6.withBigKeyThreshold(0)));
        for (String f : targets.keySet()) {
            byte[] b = Corpus.bytes(f);
            for (int n = 0; n < b.length; n++) {
                byte[] cut = Arrays.copyOf(b, n);
                for (RdbParserConfig cfg : targets.get(f)) {
                    RdbException e = assertThrows(RdbException.class, () -> Collected.parse(cut, cfg), f + " cut at " + n);
                    assertFalse(e.getMessage().contains("\n"), e.getMessage());
                    assertTrue(e.getMessage().startsWith("RDB truncated at byte ") || e.getMessage().startsWith("corrupt"),
                            f + " cut at " + n + ": " + e.getMessage());
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------------------------
    // RDB 13

    /** Into Redis 8.6 (RDB 13) the stream is a RESTORE payload of type 26, labelled 13. */
    @Test
    void v13StreamsAreRestoredIntoRdb13Destinations() throws IOException {
        for (String f : List.of(IDMP, "redis__librdb/stream_v13.rdb")) {
            Collected c = Collected.parse(Corpus.bytes(f), REDIS_8_6);
            assertEquals(13, c.version);
            assertFalse(c.keys.isEmpty());
            for (Collected.Key k : c.keys.values()) {
                assertEquals(26, k.type(), k.toString());
                assertEquals(13, label(k.payload));
            }
        }
    }

    /**
     * Decoded for Redis 8.6: the entries, groups and PEL, and the IDMP state as XCFGSET + XIDMPRECORD, the commands
     * librdb's expected output for a Redis 8.6 target (stream_v13_target_ver_8.6.resp) holds.
     */
    @Test
    void v13IdmpStreamDecodesLikeLibrdbsOutputForRedis86() throws IOException {
        Collected c = Collected.parse(Corpus.bytes(IDMP), REDIS_8_6.withBigKeyThreshold(0));
        Collected.Key k = c.get(0, IDMP_KEY);
        assertEquals(List.of("1771945454291-0", "1771945454291-1", "1771945454291-2"), new ArrayList<>(k.stream.keySet()));
        assertEquals(List.of("idmp_field", "prod2_ent1"), k.stream.get("1771945454291-2"));
        List<String> expected = respCommands(Corpus.bytes("redis__librdb/stream_v13_target_ver_8.6.resp"));
        List<String> mine = new ArrayList<>(k.streamMeta);
        for (String cmd : expected) {
            if (cmd.startsWith("XADD")) continue;
            cmd = cmd.replace(" JUSTID FORCE", " FORCE JUSTID"); // same XCLAIM, options in another order
            assertTrue(mine.contains(cmd), "missing " + cmd + " in " + mine);
        }
        assertTrue(mine.contains("XIDMPRECORD " + IDMP_KEY + " producer2 iid_p2_e1 1771945454291-2"), mine.toString());
    }

    /** Before Redis 8.6 no server keeps IDMP producers: the stream with two of them stops the job, naming all that. */
    @Test
    void v13IdmpProducersIntoAnOlderTargetStop() throws IOException {
        for (RdbParserConfig cfg : List.of(REDIS_8_0, VALKEY_9, REDIS_8_0.withBigKeyThreshold(0))) {
            byte[] rdb = Corpus.bytes(IDMP); // outside assertThrows: a missing corpus skips the test
            TargetCannotStoreException e = assertThrows(TargetCannotStoreException.class, () -> Collected.parse(rdb, cfg));
            assertEquals("stream '" + IDMP_KEY + "' (db 0) has IDMP producer state (2 producer(s) with recorded idempotent IDs),"
                    + " which the target cannot store: it needs Redis 8.6+ (RDB 13) (at byte 437, key '" + IDMP_KEY + "' in db 0)",
                    e.getMessage());
        }
    }

    /** stream_v13.rdb (MANIFEST: 49 streams, 42 producers): the streams without producers reach an RDB 12 target. */
    @Test
    void v13StreamsWithoutProducersDecodeForOlderTargets() throws IOException {
        Collected all = Collected.parse(Corpus.bytes("redis__librdb/stream_v13.rdb"), REDIS_8_6.withBigKeyThreshold(0));
        assertEquals(49, all.keys.size());
        long withoutProducers = all.keys.values().stream().filter(k -> k.streamMeta.stream().noneMatch(m -> m.startsWith("XIDMPRECORD"))).count();
        assertTrue(withoutProducers > 0 && withoutProducers < 49, "streams without producers: " + withoutProducers);
        assertTrue(all.keys.values().stream().allMatch(k -> k.streamMeta.stream().anyMatch(m -> m.startsWith("XCFGSET"))));
    }

    // -----------------------------------------------------------------------------------------------------------

    static int label(byte[] payload) {
        int n = payload.length;
        return (payload[n - 10] & 0xff) | (payload[n - 9] & 0xff) << 8;
    }

    static void assertOneLine(byte[] rdb, String expectedStart) {
        for (RdbParserConfig cfg : List.of(VALKEY_9, REDIS_8_0.withBigKeyThreshold(0))) {
            RdbException e = assertThrows(RdbException.class, () -> Collected.parse(rdb, cfg));
            assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    static byte[] withHead(byte[] rdb, String head) {
        byte[] b = rdb.clone();
        System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, b, 0, 9);
        return b;
    }

    static int indexOf(byte[] b, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= b.length; i++) {
            for (int j = 0; j < what.length; j++) if (b[i + j] != what[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }

    /**
     * A VALKEY080 file: optionally a slot import (job1, slots 0-99 and 1000), string s, list l (quicklist 2 of one
     * listpack), hash2 h {f: v} without field TTLs, optionally a value of type {@code extraType}; checksum 0.
     */
    static byte[] valkeyFile(boolean slotImport, int extraType) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes("VALKEY080".getBytes(StandardCharsets.US_ASCII));
        if (slotImport) {
            o.write(243);
            str(o, "job1");
            o.write(2);
            o.write(0); o.write(0x40); o.write(99);
            o.write(0x40 | (1000 >> 8)); o.write(1000 & 0xff);
            o.write(1000 >> 8 | 0x40); o.write(1000 & 0xff);
        }
        o.write(254); o.write(0);
        o.write(0); str(o, "s"); str(o, "hello");
        // listpack: total bytes (4 LE), count (2 LE), "a" and "b" as 7-bit strings (0x80|len, byte, backlen 2), end
        byte[] lp = {13, 0, 0, 0, 2, 0, (byte) 0x81, 'a', 2, (byte) 0x81, 'b', 2, (byte) 0xff};
        o.write(18); str(o, "l"); o.write(1); o.write(2); o.write(lp.length); o.writeBytes(lp);
        o.write(22); str(o, "h"); o.write(1); str(o, "f"); str(o, "v");
        for (int i = 0; i < 8; i++) o.write(0xff); // no TTL
        if (extraType >= 0) { o.write(extraType); str(o, "x"); o.write(0); }
        o.write(255);
        o.writeBytes(new byte[8]);
        return o.toByteArray();
    }

    private static void str(ByteArrayOutputStream o, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        o.write(b.length);
        o.writeBytes(b);
    }

    /** Commands of a RESP file as "CMD arg arg". */
    static List<String> respCommands(byte[] resp) {
        List<String> out = new ArrayList<>();
        String[] lines = new String(resp, StandardCharsets.ISO_8859_1).split("\r\n");
        for (int i = 0; i < lines.length; ) {
            int n = Integer.parseInt(lines[i++].substring(1));
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < n; j++) {
                i++; // $len
                if (j > 0) sb.append(' ');
                sb.append(lines[i++]);
            }
            out.add(sb.toString());
        }
        return out;
    }
}
