package io.redismigrate.connector.rdb;

import io.redismigrate.connector.testutils.EventApplier;
import io.redismigrate.connector.testutils.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every RDB of the shared corpus (see {@link Corpus}; MANIFEST.md describes each file) through the parser, on the
 * fast path (default config) and on the decoding path (threshold 0), both with expired keys kept:
 * <ul>
 *   <li>supported files parse to the end and checksum; keys, databases, value types, modules and function
 *       libraries match MANIFEST.md; each fast-path payload (re-read as a one-key RDB) decodes to the same content
 *       as the decoding path;</li>
 *   <li>the expected-output files of the source repositories (HDT3213 and rdb-rs JSON, librdb JSON fragments)
 *       match the decoded content key by key, and hand-written expectations for the files MANIFEST.md spells out;</li>
 *   <li>files of RDB version ≤ 10 without module values are applied to two real servers, RESTORE payloads to one
 *       and decoded commands to the other: no errors, same digests;</li>
 *   <li>unsupported or corrupt files fail with an {@link RdbException} naming the cause.</li>
 * </ul>
 */
class RdbCorpusTest {
    static final RdbParserConfig FAST = RdbParserConfig.defaults().withSkipExpired(false);
    static final RdbParserConfig DECODE = FAST.withBigKeyThreshold(0);

    /** Files that must fail on both paths, with a piece of the message. */
    static final Map<String, String> UNSUPPORTED = Map.of(
            "redis__librdb/future_v19.rdb", "unsupported RDB version 99",
            "redis__librdb/redis_ent_opcode_ram_lru.rdb", "opcode 107 is Redis Enterprise's RAM_LRU",
            "redis__librdb/invalid_chksum_v8.rdb", "RDB checksum mismatch: the file says b477e446e98e5402");

    /**
     * corrupt_ziplist.rdb: its checksum is 0 (disabled), so only decoding the ziplist shows the damage. The decoding
     * path fails with this message; the fast path passes the value on as a RESTORE payload (the destination's own
     * integrity check refuses it there).
     */
    static final String CORRUPT_ZIPLIST = "redis__redis/corrupt_ziplist.rdb";

    /** Bytes that follow the RDB inside a file, which the parser must leave unread. */
    static final Map<String, Integer> TRAILING = Map.of(
            "redis__redis/rdb-preamble.aof", 52, // the AOF tail after the RDB preamble
            "sripathikrishnan__redis-rdb-tools/redis_40_with_module.rdb", 40); // stray bytes after the checksum

    static final Map<String, Collected[]> parsed = new HashMap<>();

    /** Fast and decoding path of a supported file (cached). */
    static synchronized Collected[] both(String file) throws IOException {
        Collected[] c = parsed.get(file);
        if (c == null) {
            byte[] b = Corpus.bytes(file);
            c = new Collected[] {Collected.parse(b, FAST), Collected.parse(b, DECODE)};
            parsed.put(file, c);
        }
        return c;
    }

    static int rdbVersion(String file) throws IOException {
        byte[] b = Corpus.bytes(file);
        boolean valkey = new String(b, 0, 6, StandardCharsets.ISO_8859_1).equals("VALKEY");
        return Integer.parseInt(new String(b, valkey ? 6 : 5, valkey ? 3 : 4, StandardCharsets.ISO_8859_1));
    }

    // ---------------------------------------------------------------------------------------------------------
    // every file

    @TestFactory
    List<DynamicTest> everyCorpusRdb() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String f : Corpus.rdbFiles()) tests.add(DynamicTest.dynamicTest(f, () -> checkFile(f)));
        return tests;
    }

    void checkFile(String f) throws Exception {
        byte[] bytes = Corpus.bytes(f);
        Corpus.Entry m = Corpus.entry(f);
        assertEquals(m.bytes, bytes.length, "file size differs from MANIFEST.md");
        if (UNSUPPORTED.containsKey(f)) {
            for (RdbParserConfig cfg : List.of(FAST, DECODE)) {
                RdbException e = assertThrows(RdbException.class, () -> Collected.parse(bytes, cfg));
                assertTrue(e.getMessage().contains(UNSUPPORTED.get(f)), "message: " + e.getMessage());
            }
            return;
        }
        if (f.equals(CORRUPT_ZIPLIST)) {
            RdbException e = assertThrows(RdbException.class, () -> Collected.parse(bytes, DECODE));
            assertTrue(e.getMessage().startsWith("corrupt ziplist"), "message: " + e.getMessage());
            assertTrue(e.getMessage().contains("key 'key:000000000091' in db 0"), "message: " + e.getMessage());
            Collected fast = Collected.parse(bytes, FAST);
            assertEquals(m.keys, fast.keys.size());
            return;
        }
        Collected[] c = both(f);
        Collected fast = c[0];
        Collected dec = c[1];
        int trailing = TRAILING.getOrDefault(f, 0);
        for (Collected x : c) {
            assertTrue(x.ended, "onEnd not called");
            assertEquals(bytes.length - trailing, x.parser.position(), "parser did not stop right after the checksum");
            assertEquals(rdbVersion(f), x.version);
            assertEquals(m.keys, x.keys.size() + x.parser.keysSkippedEmpty(), "key count (MANIFEST keys=)");
            assertEquals(m.functionLibs, x.functions.size(), "function libraries");
            assertEquals(0, x.parser.keysExpired());
        }
        assertEquals(fast.keys.keySet(), dec.keys.keySet(), "same keys on both paths");
        assertEquals(fast.aux, dec.aux);
        assertEquals(fast.functions, dec.functions);

        // databases
        Set<Integer> dbs = fast.keys.values().stream().map(k -> k.db).collect(Collectors.toCollection(TreeSet::new));
        if (m.dbs != null) {
            assertEquals(m.dbs, dbs.stream().map(String::valueOf).collect(Collectors.joining(",")), "databases");
        } else {
            assertTrue(dbs.size() <= 1, "keys in one database expected, got " + dbs);
        }
        // key names
        if (m.keyNames != null) {
            List<String> expected = new ArrayList<>(m.keyNames);
            List<String> actual = fast.keys.values().stream().map(k -> Corpus.manifestName(k.name)).collect(Collectors.toList());
            expected.sort(null);
            actual.sort(null);
            assertEquals(expected, actual, "key names (MANIFEST key names:)");
        }
        // value types as the fast path saw them
        if (fast.parser.keysSkippedEmpty() == 0) {
            Map<String, Integer> types = new TreeMap<>();
            for (Collected.Key k : fast.keys.values()) types.merge(Corpus.typeName(k.type(), fast.parser.valkey()), 1, Integer::sum);
            assertEquals(m.types, types, "value types (MANIFEST types:)");
        }
        // fast path: every key a RESTORE with a valid payload; decoding path: content, modules still RESTOREd
        for (Collected.Key k : fast.keys.values()) {
            assertNotNull(k.payload, "fast path wrote no payload for " + k);
            checkPayload(k.payload, x(f, k));
            Collected.Key d = dec.get(k.db, k.name);
            assertEquals(k.expireAt, d.expireAt, "expiry of " + k);
            if (k.type() == RdbConstants.RDB_TYPE_MODULE_2) {
                assertTrue(m.modules.contains(k.moduleType), "module type '" + k.moduleType + "' of " + k + " not in " + m.modules);
                assertTrue(java.util.Arrays.equals(k.payload, d.payload), "module value restored alike on both paths");
                assertEquals(k.moduleType, d.moduleType);
                continue;
            }
            assertNull(k.moduleType);
            assertNull(d.payload, "decoding path restored " + d);
            assertNotNull(d.kind, "decoding path wrote nothing for " + d);
            // the payload, read back as a one-key RDB, decodes to what the decoding path produced
            Collected again = Collected.parse(oneKeyRdb(k, fast.version, fast.parser.valkey()), DECODE);
            Collected.Key a = again.get(0, k.name);
            assertEquals(d.content(), a.content(), "payload content of " + k);
        }
    }

    private static String x(String f, Collected.Key k) {
        return f + " " + k;
    }

    /** type + value + 2-byte version + CRC64 of the rest, as DUMP writes it. */
    static void checkPayload(byte[] p, String what) {
        int n = p.length;
        long crc = 0;
        for (int i = 0; i < 8; i++) crc |= (p[n - 8 + i] & 0xffL) << (8 * i);
        assertEquals(Crc64.of(p, 0, n - 8), crc, "payload CRC of " + what);
    }

    /** An RDB holding just this key (db 0), its value being the payload's value bytes; checksum disabled. */
    static byte[] oneKeyRdb(Collected.Key k, int version) {
        return oneKeyRdb(k, version, false);
    }

    /**
     * For a Valkey file ({@code valkey}), the RDB is a Valkey one too; its payloads of types shared with Redis carry
     * RDB 11 (no other server reads 80), Valkey's own types the file's version.
     */
    static byte[] oneKeyRdb(Collected.Key k, int version, boolean valkey) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes((valkey ? String.format("VALKEY%03d", version) : String.format("REDIS%04d", version)).getBytes(StandardCharsets.US_ASCII));
        byte[] p = k.payload;
        int pv = (p[p.length - 10] & 0xff) | (p[p.length - 9] & 0xff) << 8;
        int expected = valkey && k.type() != RdbConstants.VALKEY_TYPE_HASH_2_BYTE ? RdbConstants.SHARED_TYPES_RDB : version;
        assertEquals(expected, pv, "payload RDB version");
        o.write(p[0]);
        byte[] name = k.name.getBytes(StandardCharsets.ISO_8859_1);
        o.write(0x80);
        o.write(name.length >>> 24);
        o.write(name.length >>> 16);
        o.write(name.length >>> 8);
        o.write(name.length);
        o.writeBytes(name);
        o.write(p, 1, p.length - 11);
        o.write(0xff);
        if (version >= 5) o.writeBytes(new byte[8]);
        return o.toByteArray();
    }

    // ---------------------------------------------------------------------------------------------------------
    // module values

    @Test
    void moduleValuesAreRestoredWithTheirModuleTypeName() throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("sripathikrishnan__redis-rdb-tools/redis_40_with_module.rdb", "ReJSON-RL");
        files.put("RedisJSON__RedisJSON/backward.rdb", "ReJSON-RL");
        files.put("dragonflydb__dragonfly/redis_json.rdb", "ReJSON-RL");
        files.put("RedisTimeSeries__RedisTimeSeries/1.2.7.rdb", "TSDB-TYPE");
        files.put("RedisTimeSeries__RedisTimeSeries/1.4.9_with_avg_ctx.rdb", "TSDB-TYPE");
        files.put("RedisTimeSeries__RedisTimeSeries/1.8.13.rdb", "TSDB-TYPE");
        files.put("redis__librdb/module.rdb", "test__rdb");
        files.put("redis__librdb/module_aux_v12.rdb", "test__rdb");
        files.put("Snapchat__KeyDB/tests__assets__redis-module-save.rdb", "test___dt");
        for (var e : files.entrySet()) {
            Collected fast = both(e.getKey())[0];
            List<Collected.Key> modules = fast.keys.values().stream().filter(k -> k.moduleType != null).collect(Collectors.toList());
            int expected = Corpus.entry(e.getKey()).types.getOrDefault("module2", 0);
            assertTrue(expected > 0, e.getKey());
            assertEquals(expected, modules.size(), e.getKey());
            for (Collected.Key k : modules) {
                assertEquals(e.getValue(), k.moduleType, e.getKey() + " " + k);
                assertEquals(RdbConstants.RDB_TYPE_MODULE_2, k.type());
            }
        }
        Collected json = both("RedisJSON__RedisJSON/backward.rdb")[0];
        assertEquals(Set.of("simple", "complex"), json.keys.values().stream().map(k -> k.name).collect(Collectors.toSet()));
    }

    // ---------------------------------------------------------------------------------------------------------
    // empty keys

    @Test
    void emptyKeysAreSkippedOnBothPathsAndTheServerAcceptsTheRest() throws Exception {
        String f = "redis__redis/corrupt_empty_keys.rdb";
        for (Collected c : both(f)) {
            assertEquals(9, c.parser.keysSkippedEmpty(), "Redis skips these 9 keys on load");
            assertEquals(0, c.keys.size(), "nothing written for an empty key");
            assertEquals(0, c.parser.keysRestored() + c.parser.keysDecoded());
        }
        // a non-empty key around them still goes through, and an applier sees no error
        try (RedisServer target = RedisServer.start(); EventApplier a = new EventApplier(target)) {
            new RdbParser(Files.newInputStream(Corpus.file(f)), a, FAST).parse();
            new RdbParser(Files.newInputStream(Corpus.file(f)), a, DECODE).parse();
            assertEquals(List.of(), a.errors);
            assertEquals(0, a.restores + a.commands);
            assertEquals(0L, target.sync().dbsize());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // hand-written expectations from MANIFEST.md's descriptions

    static Collected.Key only(String file, String key) throws IOException {
        Collected dec = both(file)[1];
        Collected.Key k = dec.keys.values().stream().filter(x -> x.name.equals(key)).findFirst().orElse(null);
        assertNotNull(k, key + " not found in " + file + ": " + dec.keys.keySet());
        return k;
    }

    @Test
    void valuesSpelledOutInTheManifest() throws IOException {
        String t = "sripathikrishnan__redis-rdb-tools/";
        assertEquals(Set.of("32766", "32765", "32764"), only(t + "intset_16.rdb", "intset_16").set);
        assertEquals(Set.of("2147418110", "2147418109", "2147418108"), only(t + "intset_32.rdb", "intset_32").set);
        assertEquals(Set.of(Long.toString(0x7ffefffefffefffeL), Long.toString(0x7ffefffefffefffdL), Long.toString(0x7ffefffefffefffcL)),
                only(t + "intset_64.rdb", "intset_64").set);
        assertEquals(11, both(t + "intset_16.rdb")[0].keys.values().iterator().next().type());

        Map<String, String> ints = new LinkedHashMap<>();
        ints.put("125", "Positive 8 bit integer");
        ints.put("43947", "Positive 16 bit integer");
        ints.put("183358245", "Positive 32 bit integer");
        ints.put("-123", "Negative 8 bit integer");
        ints.put("-29477", "Negative 16 bit integer");
        ints.put("-183358245", "Negative 32 bit integer");
        for (var e : ints.entrySet()) assertEquals("string:" + e.getValue(), only(t + "integer_keys.rdb", e.getKey()).content());

        Collected.Key exp = only(t + "keys_with_expiry.rdb", "expires_ms_precision");
        assertEquals("string:2022-12-25 10:11:12.573 UTC", exp.content());
        assertEquals(OffsetDateTime.parse("2022-12-25T10:11:12.573Z").toInstant().toEpochMilli(), exp.expireAt);

        Collected md = both(t + "multiple_databases.rdb")[1];
        assertEquals("string:zero", md.get(0, "key_in_zeroth_database").content());
        assertEquals("string:second", md.get(2, "key_in_second_database").content());
        assertEquals(2, md.keys.size());

        assertEquals("string:Key that redis should compress easily", only(t + "easily_compressible_string_key.rdb", "a".repeat(200)).content());

        Collected unc = both(t + "uncompressible_string_keys.rdb")[1];
        Map<Integer, String> byKeyLength = new TreeMap<>();
        for (Collected.Key k : unc.keys.values()) byKeyLength.put(k.name.length(), k.string.toString());
        assertEquals(Map.of(60, "Key length within 6 bits", 16382, "Key length more than 6 bits but less than 14 bits",
                16386, "Key length more than 14 bits but less than 32"), byKeyLength);

        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "-2", "13", "25", "-61", "63",
                "16380", "-16000", "65535", "-65523", "4194304", "9223372036854775807"),
                only(t + "ziplist_with_integers.rdb", "ziplist_with_integers").list);

        Collected.Key dict = only(t + "dictionary.rdb", "force_dictionary");
        assertEquals(1000, dict.hash.size());
        assertEquals("hash", dict.kind);
        Collected.Key ll = only(t + "linkedlist.rdb", "force_linkedlist");
        assertEquals(1000, ll.list.size());
        assertEquals(1, both(t + "linkedlist.rdb")[0].keys.values().iterator().next().type());
        Collected.Key zs = only(t + "regular_sorted_set.rdb", "force_sorted_set");
        assertEquals(500, zs.zset.size());

        assertEquals(List.of("aa", "aaaa", "aaaaaaaaaaaaaa"), new ArrayList<>(new TreeMap<>(
                only(t + "zipmap_that_compresses_easily.rdb", "zipmap_compresses_easily").hash).values()));
        assertEquals(Map.of("a", "aa", "aa", "aaaa", "aaaaa", "aaaaaaaaaaaaaa"),
                only(t + "zipmap_that_compresses_easily.rdb", "zipmap_compresses_easily").hash);
        assertEquals(Map.of("MKD1G6", "2", "YNNXK", "F7TI"), only(t + "zipmap_that_doesnt_compress.rdb", "zimap_doesnt_compress").hash);
        assertEquals(Map.of("a", "aa", "aa", "aaaa", "aaaaa", "aaaaaaaaaaaaaa"), only(t + "hash_as_ziplist.rdb", "zipmap_compresses_easily").hash);
        Map<String, String> big = only(t + "zipmap_with_big_values.rdb", "zipmap_with_big_values").hash;
        assertEquals(Map.of("253bytes", 253, "254bytes", 254, "255bytes", 255, "300bytes", 300, "20kbytes", 20000),
                big.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().length())));

        Collected v5 = both(t + "rdb_version_5_with_checksum.rdb")[1];
        assertEquals("string:efgh", v5.get(0, "abcd").content());
        assertEquals("string:bar", v5.get(0, "foo").content());
        assertEquals("string:baz", v5.get(0, "bar").content());
        assertEquals("string:abcdef", v5.get(0, "abcdef").content());
        assertEquals("string:thisisalongerstring.idontknowwhatitmeans", v5.get(0, "longerstring").content());

        Collected.Key bigset = only(t + "rdb_version_8_with_64b_length_and_scores.rdb", "bigset");
        assertEquals(1000, bigset.zset.size());
        assertEquals(2.718, bigset.zset.get("finalfield"));
        assertEquals("string:bar", only(t + "rdb_version_8_with_64b_length_and_scores.rdb", "foo").content());

        String r = "redis__redis/";
        assertEquals(Map.of("f1", "v1", "f2", "v2"), only(r + "hash-zipmap.rdb", "hash").hash);
        assertEquals(Map.of("f1", "v1", "f2", "v2"), only(r + "hash-ziplist.rdb", "hash").hash);
        assertEquals(Map.of("one", 1.0, "two", 2.0), only(r + "zset-ziplist.rdb", "zset").zset);
        assertEquals(List.of("7"), only(r + "list-quicklist.rdb", "list").list);
        assertEquals("string:7", only(r + "list-quicklist.rdb", "x").content());
        assertEquals(Map.of("k1", "string:v1", "k2", "string:v2"), contents(both(r + "rdb-preamble.aof")[1]));
        Collected script = both(r + "scriptbackup.rdb")[0];
        assertEquals(List.of("return redis.call('set', 'foo', 'bar')"), script.scripts);
        assertEquals(0, script.keys.size());
    }

    static Map<String, String> contents(Collected c) {
        Map<String, String> m = new TreeMap<>();
        for (Collected.Key k : c.keys.values()) m.put(k.name, k.content());
        return m;
    }

    /** tests/integration/rdb.tcl of Redis gives the whole content of encodings.rdb; kvrocks' encodings_ver10 has the same data. */
    @Test
    void encodingsRdbMatchesRedisTestSuite() throws IOException {
        for (String f : List.of("redis__redis/encodings.rdb", "apache__kvrocks/encodings_ver10.rdb")) {
            Collected dec = both(f)[1];
            assertEquals(13, dec.keys.size(), f);
            // MANIFEST.md says "'a' x 130"; redis-server 7.0 loading encodings.rdb answers STRLEN compressible = 137
            assertEquals("string:" + "a".repeat(137), dec.get(0, "compressible").content(), f);
            assertEquals("string:10", dec.get(0, "number").content(), f);
            assertEquals("string:Hello World", dec.get(0, "string").content(), f);
            assertEquals(Map.of("a", "1", "b", "2", "c", "3"), dec.get(0, "hash_zipped").hash, f);
            assertEquals(Map.of("a", 1.0, "b", 2.0, "c", 3.0), dec.get(0, "zset_zipped").zset, f);
            assertEquals(List.of("1", "2", "3", "a", "b", "c", "100000", "6000000000"), dec.get(0, "list_zipped").list, f);
            // the intsets hold one more member than MANIFEST.md lists; these are redis-server 7.0's SMEMBERS after loading
            assertEquals(Set.of("1", "2", "3", "4"), dec.get(0, "set_zipped_1").set, f);
            assertEquals(Set.of("100000", "200000", "300000", "400000"), dec.get(0, "set_zipped_2").set, f);
            assertEquals(Set.of("1000000000", "2000000000", "3000000000", "4000000000", "5000000000", "6000000000"),
                    dec.get(0, "set_zipped_3").set, f);
            // full values as redis-server 7.0 returns them after loading encodings.rdb
            assertEquals(Map.ofEntries(Map.entry("a", "1"), Map.entry("b", "2"), Map.entry("c", "3"), Map.entry("aa", "10"),
                    Map.entry("bb", "20"), Map.entry("cc", "30"), Map.entry("aaa", "100"), Map.entry("bbb", "200"),
                    Map.entry("ccc", "300"), Map.entry("ddd", "400"), Map.entry("eee", "5000000000")), dec.get(0, "hash").hash, f);
            assertEquals(Map.ofEntries(Map.entry("a", 1.0), Map.entry("b", 2.0), Map.entry("c", 3.0), Map.entry("aa", 10.0),
                    Map.entry("bb", 20.0), Map.entry("cc", 30.0), Map.entry("aaa", 100.0), Map.entry("bbb", 200.0),
                    Map.entry("ccc", 300.0), Map.entry("aaaa", 1000.0), Map.entry("cccc", 123456789.0),
                    Map.entry("bbbb", 5000000000.0)), dec.get(0, "zset").zset, f);
            assertEquals(24, dec.get(0, "list").list.size(), f);
            assertTrue(dec.get(0, "list").list.contains("6000000000"), f);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // expected-output files of the source repositories

    @TestFactory
    List<DynamicTest> expectedOutputFilesOfTheSourceRepos() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        int hdt = 0, rs = 0, lib = 0;
        for (String f : Corpus.rdbFiles()) {
            if (UNSUPPORTED.containsKey(f) || f.equals(CORRUPT_ZIPLIST)) continue;
            String dir = f.substring(0, f.indexOf('/') + 1);
            String base = f.substring(dir.length()).replaceAll("\\.rdb$", "");
            if (dir.equals("HDT3213__rdb/") && Files.exists(Corpus.root().resolve("rdb/" + dir + base + ".json"))) {
                hdt++;
                tests.add(DynamicTest.dynamicTest(f + " vs " + base + ".json", () -> checkHdt(f, dir + base + ".json")));
            }
            if (dir.equals("badboy__rdb-rs/") && Files.exists(Corpus.root().resolve("rdb/" + dir + "json__" + base + ".json"))) {
                rs++;
                tests.add(DynamicTest.dynamicTest(f + " vs json__" + base + ".json", () -> checkPerDb(f, dir + "json__" + base + ".json")));
            }
            if (dir.equals("redis__librdb/") && base.startsWith("stream_v13")) {
                // stream_v13.json belongs to stream_v13_idmp.rdb (MANIFEST), stream_v13.rdb has no expected output
                if (base.equals("stream_v13_idmp")) {
                    lib++;
                    tests.add(DynamicTest.dynamicTest(f + " vs stream_v13.json", () -> checkPerDb(f, dir + "stream_v13.json")));
                }
                continue;
            }
            if (dir.equals("redis__librdb/")) {
                String unversioned = base.replaceAll("_v\\d+$", "");
                List<String> candidates = new ArrayList<>(List.of(base + "_data.json", base + ".json"));
                // hash_v3.rdb -> hash_data.json, unless hash.rdb exists (module_aux_v12.rdb is not module_aux.rdb)
                if (!Files.exists(Corpus.root().resolve("rdb/" + dir + unversioned + ".rdb"))) {
                    candidates.add(unversioned + "_data.json");
                    candidates.add(unversioned + ".json");
                }
                for (String cand : candidates) {
                    Path p = Corpus.root().resolve("rdb/" + dir + cand);
                    if (Files.exists(p) && Files.size(p) > 0) {
                        lib++;
                        tests.add(DynamicTest.dynamicTest(f + " vs " + cand, () -> checkPerDb(f, dir + cand)));
                        break;
                    }
                }
            }
        }
        int h = hdt, r = rs, l = lib;
        tests.add(DynamicTest.dynamicTest("expected-output files found", () -> assertAll(
                () -> assertTrue(h >= 35, "HDT3213 JSON files compared: " + h),
                () -> assertTrue(r >= 26, "rdb-rs JSON files compared: " + r),
                () -> assertTrue(l >= 25, "librdb JSON files compared: " + l))));
        return tests;
    }

    /** HDT3213/rdb's JSON: one object per key with db, key, type, encoding, expiration and the value (UTF-8 text). */
    @SuppressWarnings("unchecked")
    void checkHdt(String rdb, String json) throws IOException {
        Collected[] c = both(rdb);
        Collected dec = c[1];
        List<Object> items = (List<Object>) Json.parse(Files.readString(Corpus.root().resolve("rdb/" + json), StandardCharsets.UTF_8));
        UnaryOperator<String> norm = s -> new String(s.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
        Set<String> seen = new HashSet<>();
        for (Object o : items) {
            Map<String, Object> e = (Map<String, Object>) o;
            String type = (String) e.get("type");
            if (type.equals("aux")) {
                assertEquals(e.get("value"), norm.apply(dec.aux.get((String) e.get("key"))), "aux " + e.get("key"));
                continue;
            }
            if (type.equals("functions")) {
                assertTrue(dec.functions.stream().map(norm).anyMatch(e.get("functionsLua")::equals), "function library");
                continue;
            }
            int db = ((Number) e.get("db")).intValue();
            String name = (String) e.get("key");
            Collected.Key k = dec.keys.values().stream().filter(x -> x.db == db && norm.apply(x.name).equals(name)).findFirst().orElse(null);
            assertNotNull(k, "key '" + name + "' of db " + db + " from " + json + " not parsed");
            seen.add(k.db + "\0" + k.name);
            String where = json + " key " + name;
            Object expected;
            switch (type) {
                case "string": expected = e.get("value"); break;
                case "list": expected = e.get("values"); break;
                case "set": expected = new TreeSet<>((List<String>) e.get("members")); break;
                case "zset": {
                    Map<String, Double> z = new TreeMap<>();
                    for (Object m : (List<Object>) e.get("entries")) {
                        Map<String, Object> mm = (Map<String, Object>) m;
                        z.put((String) mm.get("member"), num(((Number) mm.get("score")).doubleValue()));
                    }
                    expected = z;
                    break;
                }
                case "hash": {
                    expected = new TreeMap<>((Map<String, Object>) e.get("hash"));
                    Map<String, Long> ttl = new TreeMap<>();
                    Map<String, Object> exp = (Map<String, Object>) e.getOrDefault("expire", Map.of());
                    exp.forEach((fld, ms) -> { if (((Number) ms).longValue() != 0) ttl.put(fld, ((Number) ms).longValue()); });
                    Map<String, Long> actualTtl = new TreeMap<>();
                    k.fieldExpireAt.forEach((fld, ms) -> actualTtl.put(norm.apply(fld), ms));
                    assertEquals(ttl, actualTtl, "field TTLs of " + where);
                    break;
                }
                case "stream": {
                    Map<String, Map<String, Object>> msgs = new LinkedHashMap<>();
                    for (Object n : (List<Object>) e.get("entries")) {
                        for (Object m : (List<Object>) ((Map<String, Object>) n).get("msgs")) {
                            Map<String, Object> mm = (Map<String, Object>) m;
                            if (!Boolean.TRUE.equals(mm.get("deleted"))) msgs.put((String) mm.get("id"), (Map<String, Object>) mm.get("fields"));
                        }
                    }
                    expected = msgs;
                    for (Object g : (List<Object>) e.getOrDefault("groups", List.of())) {
                        Map<String, Object> gg = (Map<String, Object>) g;
                        String prefix = "XGROUP CREATE " + k.name + " " + gg.get("name") + " " + gg.get("lastId");
                        assertTrue(k.streamMeta.stream().anyMatch(s -> s.startsWith(prefix)), "group " + gg.get("name") + " of " + where);
                    }
                    break;
                }
                default: fail("unknown type '" + type + "' in " + json); return;
            }
            assertEquals(expected, normalized(k, norm), where);
            assertTrue(allowedEncodings(type, (String) e.get("encoding")).contains(c[0].get(k.db, k.name).type()),
                    "encoding " + e.get("encoding") + " of " + where + " but RDB type " + c[0].get(k.db, k.name).type());
            Object expiration = e.get("expiration");
            long expireAt = expiration == null ? 0 : OffsetDateTime.parse((String) expiration).toInstant().toEpochMilli();
            assertEquals(expireAt, k.expireAt, "expiration of " + where);
        }
        assertEquals(dec.keys.size(), seen.size(), "keys parsed but missing from " + json);
    }

    static Set<Integer> allowedEncodings(String type, String encoding) {
        switch (type + "/" + encoding) {
            case "string/string": return Set.of(0);
            case "list/list": return Set.of(1);
            case "list/ziplist": return Set.of(10);
            case "list/quicklist": return Set.of(14);
            case "list/quicklist2": return Set.of(18);
            case "set/set": return Set.of(2);
            case "set/intset": return Set.of(11);
            case "set/listpack": return Set.of(20);
            case "zset/zset": return Set.of(3);
            case "zset/zset2": return Set.of(5);
            case "zset/ziplist": return Set.of(12);
            case "zset/listpack": return Set.of(17);
            case "hash/hash": return Set.of(4);
            case "hash/zipmap": return Set.of(9);
            case "hash/ziplist": return Set.of(13);
            case "hash/listpack": return Set.of(16);
            case "hash/hashex": return Set.of(22, 24);
            case "hash/listpackex": return Set.of(23, 25);
            case "stream/": case "stream/listpack": return Set.of(15, 19, 21, 26);
            default: return Set.of();
        }
    }

    /** A score compared as a number: -0 equals 0 (expected-output files print both as 0). */
    static double num(double d) {
        return d == 0 ? 0.0 : d;
    }

    /** The decoded content in the shape the JSON files use, strings passed through {@code norm}. */
    static Object normalized(Collected.Key k, UnaryOperator<String> norm) {
        switch (k.kind) {
            case "string": return norm.apply(k.string.toString());
            case "list": return k.list.stream().map(norm).collect(Collectors.toList());
            case "set": return k.set.stream().map(norm).collect(Collectors.toCollection(TreeSet::new));
            case "zset": {
                Map<String, Double> z = new TreeMap<>();
                k.zset.forEach((m, s) -> z.put(norm.apply(m), num(s)));
                return z;
            }
            case "hash": {
                Map<String, Object> h = new TreeMap<>();
                k.hash.forEach((f, v) -> h.put(norm.apply(f), norm.apply(v)));
                return h;
            }
            case "stream": {
                Map<String, Map<String, Object>> s = new LinkedHashMap<>();
                k.stream.forEach((id, fv) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    for (int i = 0; i < fv.size(); i += 2) m.put(norm.apply(fv.get(i)), norm.apply(fv.get(i + 1)));
                    s.put(id, m);
                });
                return s;
            }
            default: throw new AssertionError(k.kind);
        }
    }

    /**
     * rdb-rs JSON (array with one object per non-empty database) and librdb's files (object members, or an array
     * per database). Their strings hold one byte per character, so the file is read as ISO-8859-1.
     */
    @SuppressWarnings("unchecked")
    void checkPerDb(String rdb, String json) throws IOException {
        Collected dec = both(rdb)[1];
        Object root = Json.parseFragment(Files.readString(Corpus.root().resolve("rdb/" + json), StandardCharsets.ISO_8859_1));
        List<Object> perDb = root instanceof List ? (List<Object>) root : List.of(root);
        List<Integer> dbs = dec.keys.values().stream().map(k -> k.db).distinct().sorted().collect(Collectors.toList());
        int keys = 0;
        for (int i = 0; i < perDb.size(); i++) {
            Map<String, Object> m = (Map<String, Object>) perDb.get(i);
            for (var e : m.entrySet()) {
                String name = e.getKey();
                if (name.equals("__aux__")) {
                    ((Map<String, Object>) e.getValue()).forEach((ak, av) -> assertEquals(av, dec.aux.get(ak), "aux " + ak));
                    continue;
                }
                if (name.equals("__func__")) {
                    assertEquals(new TreeSet<>(((Map<String, Object>) e.getValue()).values()), new TreeSet<>(dec.functions), "functions");
                    continue;
                }
                if (name.startsWith("__")) continue; // __dbsize__, __slotinfo__: not parser output
                keys++;
                assertTrue(i < dbs.size(), json + ": more databases than parsed " + dbs);
                Collected.Key k = dec.get(dbs.get(i), name);
                assertNotNull(k, "key '" + name + "' (database #" + i + ") from " + json + " not parsed");
                if (k.payload != null) { // module value: the files only describe it
                    assertEquals(RdbConstants.RDB_TYPE_MODULE_2, k.type());
                    continue;
                }
                assertEquals(expectedPerDb(e.getValue(), k), normalized(k, s -> s), json + " key " + name);
            }
        }
        assertEquals(dec.keys.size(), keys, "keys parsed but missing from " + json);
    }

    @SuppressWarnings("unchecked")
    static Object expectedPerDb(Object v, Collected.Key k) {
        switch (k.kind) {
            case "string": return v;
            case "list": return v;
            case "set": return new TreeSet<>((Collection<String>) v);
            case "zset": {
                Map<String, Double> z = new TreeMap<>();
                ((Map<String, Object>) v).forEach((m, s) -> z.put(m, num(Collected.score(String.valueOf(s)))));
                return z;
            }
            case "hash": return new TreeMap<>((Map<String, Object>) v);
            case "stream": {
                Map<String, Map<String, Object>> s = new LinkedHashMap<>();
                for (Object o : (List<Object>) ((Map<String, Object>) v).get("entries")) {
                    Map<String, Object> en = (Map<String, Object>) o;
                    s.put((String) en.get("id"), (Map<String, Object>) en.get("items"));
                }
                return s;
            }
            default: throw new AssertionError(k.kind);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // RESTORE payloads accepted by a real server and equal to the decoded commands

    static RedisServer restoreTarget;
    static RedisServer commandTarget;

    @AfterAll
    static void stopServers() {
        if (restoreTarget != null) restoreTarget.close();
        if (commandTarget != null) commandTarget.close();
    }

    @TestFactory
    List<DynamicTest> fastPathPayloadsRestoreToTheSameValuesAsDecodedCommands() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String f : Corpus.rdbFiles()) {
            if (UNSUPPORTED.containsKey(f) || f.equals(CORRUPT_ZIPLIST) || rdbVersion(f) > 10) continue;
            if (Corpus.entry(f).types.containsKey("module2")) continue;
            tests.add(DynamicTest.dynamicTest(f, () -> applyBoth(f)));
        }
        assertTrue(tests.size() > 100, "files applied to a server: " + tests.size());
        return tests;
    }

    /**
     * HDT3213's zipmap_big_len.rdb marks its zipmap count as "unknown" (254) although it has 2 entries: redis-server
     * 7.0 refuses to load the file ("Zipmap integrity check failed") and refuses the RESTORE payload alike; the
     * decoding path reads the zipmap by scanning it.
     */
    static final String ZIPMAP_BIG_LEN = "HDT3213__rdb/zipmap_big_len.rdb";

    /**
     * Three servers per file: one loads the file itself (the reference), one gets the fast path's RESTOREs, one the
     * decoding path's commands. Restored values must equal the reference exactly; decoded ones too, except that a
     * sorted-set score of -0 (kept by RDB load and RESTORE) cannot be written by ZADD, which stores 0.
     */
    void applyBoth(String f) throws Exception {
        if (restoreTarget == null) {
            restoreTarget = RedisServer.start();
            commandTarget = RedisServer.start();
        }
        restoreTarget.call("FLUSHALL");
        commandTarget.call("FLUSHALL");
        Collected fast = both(f)[0];
        Collected dec = both(f)[1];
        List<String> restoreErrors;
        try (EventApplier a = new EventApplier(restoreTarget); EventApplier b = new EventApplier(commandTarget)) {
            new RdbParser(Files.newInputStream(Corpus.file(f)), a, FAST).parse();
            new RdbParser(Files.newInputStream(Corpus.file(f)), b, DECODE).parse();
            assertEquals(List.of(), b.errors, "command errors");
            assertEquals(fast.keys.size(), a.restores);
            assertEquals(0, b.restores);
            restoreErrors = a.errors;
        }
        if (Corpus.entry(f).structure.contains("modules: ")) { // module aux data: redis-server without the module refuses the file
            compareWithReference(f, null, fast, dec);
            assertEquals(List.of(), restoreErrors, "RESTORE errors");
            return;
        }
        Path dir = Files.createTempDirectory("rdb-corpus-load");
        Files.copy(Corpus.file(f), dir.resolve("load.rdb"));
        RedisServer reference = null;
        try {
            String refused = null;
            try {
                reference = RedisServer.start("--dir", dir.toString(), "--dbfilename", "load.rdb");
                refused = loadFailure(reference);
            } catch (IOException e) {
                refused = e.getMessage();
            }
            if (refused != null) {
                assertEquals(ZIPMAP_BIG_LEN, f, "redis-server refused to load the file: " + refused);
                assertTrue(refused.contains("Zipmap integrity check failed"), refused);
                assertEquals(List.of("RESTORE zimap_doesnt_compress: ERR Bad data format"), restoreErrors);
                assertEquals(Map.of("MKD1G6", "2", "YNNXK", "F7TI"), dec.get(0, "zimap_doesnt_compress").hash);
                return;
            }
            assertEquals(List.of(), restoreErrors, "RESTORE errors");
            compareWithReference(f, reference, fast, dec);
        } finally {
            if (reference != null) reference.close();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * redis-server listens before it loads the RDB, so a file it refuses can still let it start: wait until it
     * has loaded; if it died instead, its log says why.
     */
    static String loadFailure(RedisServer s) throws IOException, InterruptedException {
        for (int i = 0; i < 500; i++) {
            try {
                String info = String.valueOf(s.call("INFO", "persistence").get(0));
                if (info.contains("loading:0")) return null;
            } catch (RuntimeException e) {
                try (var logs = Files.list(s.dir())) {
                    Path log = logs.filter(p -> p.getFileName().toString().endsWith(".log")).findFirst().orElseThrow();
                    return Files.readString(log);
                }
            }
            Thread.sleep(10);
        }
        return "still loading after 5 s";
    }

    /** {@code reference} null: compare the decoded commands' server with the RESTOREs' one. */
    void compareWithReference(String f, RedisServer ref, Collected fast, Collected dec) {
        RedisServer reference = ref != null ? ref : restoreTarget;
        long now = System.currentTimeMillis();
        Map<Integer, Long> live = new TreeMap<>();
        for (Collected.Key k : fast.keys.values()) if (k.expireAt == 0 || k.expireAt > now + 60_000) live.merge(k.db, 1L, Long::sum);
        for (int db = 0; db < 16; db++) {
            for (RedisServer s : List.of(reference, restoreTarget, commandTarget)) {
                s.sync().select(db);
                assertEquals(live.getOrDefault(db, 0L), s.sync().dbsize(), "keys in db " + db + " on " + s.uri());
            }
        }
        boolean negativeZero = false;
        for (Collected.Key k : fast.keys.values()) {
            Collected.Key d = dec.get(k.db, k.name);
            boolean negZero = "zset".equals(d.kind) && d.zset.values().stream().anyMatch(v -> v == 0 && 1 / v < 0);
            negativeZero |= negZero;
            if (!k.name.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)) continue; // call() sends UTF-8 text
            for (RedisServer s : List.of(reference, restoreTarget, commandTarget)) s.sync().select(k.db);
            Object want = reference.call("DEBUG", "DIGEST-VALUE", k.name);
            assertEquals(want, restoreTarget.call("DEBUG", "DIGEST-VALUE", k.name), "RESTOREd value of " + k);
            if (negZero) {
                assertEquals(zrange(reference, k.name).replace("-0", "0"), zrange(commandTarget, k.name), "decoded value of " + k);
            } else {
                assertEquals(want, commandTarget.call("DEBUG", "DIGEST-VALUE", k.name), "decoded value of " + k);
            }
        }
        for (RedisServer s : List.of(reference, restoreTarget, commandTarget)) s.sync().select(0);
        assertEquals(reference.digest(), restoreTarget.digest(), "dataset digest after RESTORE");
        if (!negativeZero) assertEquals(reference.digest(), commandTarget.digest(), "dataset digest after commands");
    }

    static String zrange(RedisServer s, String key) {
        return s.call("ZRANGE", key, "0", "-1", "WITHSCORES").toString();
    }
}
