package io.redismigrate.connector.rdb;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Damaged input must end in an {@link RdbException}: never another exception, never a hang, never a large
 * allocation (each parse is measured with the thread's allocation counter). Inputs: a dump of every type written by
 * a real server, and corpus files of several versions, with and without checksums.
 */
class RdbCorruptionTest {
    static final RdbParserConfig FAST = RdbParserConfig.defaults().withSkipExpired(false);
    static final RdbParserConfig DECODE = FAST.withBigKeyThreshold(0);
    static final RdbParserConfig SMALL = FAST.withBigKeyThreshold(100).withChunks(7, 64);

    static final List<String> CORPUS_FILES = List.of(
            "redis__librdb/stream_v11.rdb",                  // v11 stream with groups, checksum
            "HDT3213__rdb/stream_listpacks_1.rdb",           // v9 streams
            "dragonflydb__dragonfly/redis6_small.rdb",       // v9 mixed types, two dbs, LZF
            "apache__kvrocks/encodings_ver10.rdb",           // v10 listpacks, quicklist2, intsets
            "HDT3213__rdb/hash_with_hfe.rdb",                // v12 hash with field TTLs
            "redis__librdb/hash_lp_with_hexpire_v12.rdb",    // v12 listpack-ex
            "redis__librdb/module_aux_v12.rdb",              // module value and module aux
            "sripathikrishnan__redis-rdb-tools/zipmap_with_big_values.rdb", // v6, 20 KB ziplist
            "redis__redis/encodings.rdb",                    // v4: no checksum
            "sripathikrishnan__redis-rdb-tools/parser_filters.rdb"); // v2: no checksum, zipmaps

    static final Map<String, byte[]> inputs = new LinkedHashMap<>();

    @BeforeAll
    static void load() throws Exception {
        try (RedisServer s = RedisServer.start()) {
            TestData.populateAllTypes(s);
            s.call("SAVE");
            inputs.put("generated all-types dump", Files.readAllBytes(s.dir().resolve("dump.rdb")));
        }
        for (String f : CORPUS_FILES) inputs.put(f, Corpus.bytes(f));
    }

    static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Parses; returns null on success, the RdbException otherwise; fails on anything else or a large allocation. */
    static RdbException outcome(byte[] in, RdbParserConfig cfg, String what) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        RdbException result = null;
        try {
            Collected.parse(new java.io.ByteArrayInputStream(in), cfg, false);
        } catch (RdbException e) {
            result = e;
        } catch (Throwable t) {
            throw new AssertionError(what + ": expected RdbException, got " + t, t);
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        long limit = (32L << 20) + 50L * in.length;
        if (allocated > limit) fail(what + ": parsing " + in.length + " bytes allocated " + (allocated >> 20) + " MiB");
        return result;
    }

    static boolean checksummed(byte[] rdb) {
        int version = Integer.parseInt(new String(rdb, 5, 4, StandardCharsets.ISO_8859_1));
        boolean zero = true;
        for (int i = rdb.length - 8; i < rdb.length; i++) zero &= rdb[i] == 0;
        return version >= 5 && !zero;
    }

    @TestFactory
    List<DynamicTest> everyTruncationFailsWithRdbException() {
        List<DynamicTest> tests = new ArrayList<>();
        inputs.forEach((name, rdb) -> tests.add(DynamicTest.dynamicTest(name + " (" + rdb.length + " bytes)", () ->
                assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                    assertEquals(null, outcome(rdb, FAST, name + " whole"));
                    TreeSet<Integer> lengths = new TreeSet<>();
                    if (rdb.length <= 20_000) {
                        for (int n = 0; n < rdb.length; n++) lengths.add(n);
                    } else { // dense sample: both ends whole, 1200 seeded points between
                        for (int n = 0; n < 200; n++) { lengths.add(n); lengths.add(rdb.length - 1 - n); }
                        Random rnd = new Random(rdb.length);
                        for (int i = 0; i < 1200; i++) lengths.add(rnd.nextInt(rdb.length));
                    }
                    for (int n : lengths) {
                        byte[] cut = java.util.Arrays.copyOf(rdb, n);
                        for (RdbParserConfig cfg : List.of(FAST, DECODE, SMALL)) {
                            String what = name + " cut to " + n + " bytes, threshold " + cfg.bigKeyThreshold();
                            RdbException e = outcome(cut, cfg, what);
                            if (e == null) fail(what + ": parsed without error");
                            String m = e.getMessage();
                            assertTrue(m.contains("truncated") || m.contains("corrupt") || m.contains("not an RDB"), what + ": " + m);
                        }
                    }
                }))));
        return tests;
    }

    @Test
    void randomByteFlipsFailWithRdbExceptionOrTheChecksum() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Random rnd = new Random(20240611);
            List<String> names = new ArrayList<>(inputs.keySet());
            int checksumCaught = 0, otherErrors = 0, unchecked = 0;
            for (int i = 0; i < 2000; i++) {
                String name = names.get(i % names.size());
                byte[] rdb = inputs.get(name).clone();
                int flips = 1 + rnd.nextInt(4);
                StringBuilder where = new StringBuilder();
                for (int f = 0; f < flips; f++) {
                    int at = rnd.nextInt(rdb.length);
                    rdb[at] ^= (byte) (1 + rnd.nextInt(255));
                    where.append(at).append(' ');
                }
                boolean mustFail = checksummed(inputs.get(name)) && headerVersion(rdb) >= 5;
                for (RdbParserConfig cfg : List.of(FAST, DECODE)) {
                    String what = "flip #" + i + " of " + name + " at bytes " + where + "threshold " + cfg.bigKeyThreshold();
                    RdbException e = outcome(rdb, cfg, what);
                    if (e == null) {
                        if (mustFail) fail(what + ": parsed without error although the file has a checksum");
                        unchecked++;
                    } else if (e.getMessage().contains("checksum mismatch")) {
                        checksumCaught++;
                    } else {
                        otherErrors++;
                    }
                }
            }
            assertTrue(checksumCaught > 100 && otherErrors > 100, "checksum " + checksumCaught + ", other " + otherErrors + ", passed " + unchecked);
        });
    }

    /** The version a (possibly damaged) header announces, -1 if it is not digits. */
    static int headerVersion(byte[] rdb) {
        try {
            return Integer.parseInt(new String(rdb, 5, 4, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Test
    void wrongChecksumIsReportedAsAChecksumMismatch() {
        for (var e : inputs.entrySet()) {
            if (!checksummed(e.getValue())) continue;
            byte[] rdb = e.getValue().clone();
            rdb[rdb.length - 3] ^= 0x5a;
            for (RdbParserConfig cfg : List.of(FAST, DECODE)) {
                RdbException ex = assertThrows(RdbException.class, () -> Collected.parse(rdb, cfg), e.getKey());
                assertTrue(ex.getMessage().startsWith("RDB checksum mismatch: the file says "), ex.getMessage());
                assertTrue(ex.getMessage().contains("the snapshot is corrupt"), ex.getMessage());
                assertTrue(!ex.getMessage().contains("key '"), "a checksum error names no key: " + ex.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // huge lengths in short files: refused without allocating them

    static byte[] rdb(int... body) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes("REDIS0009".getBytes(StandardCharsets.US_ASCII));
        for (int b : body) o.write(b);
        o.writeBytes(new byte[64]); // some bytes, far fewer than announced
        return o.toByteArray();
    }

    static final int KEY = 0x01; // length-1 key "k" follows
    static final int K = 'k';

    @Test
    void hugeLengthsAreRefusedWithoutAllocatingThem() {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        // string value of 400 MiB (32-bit length)
        cases.put("400 MiB string", rdb(0, KEY, K, 0x80, 0x19, 0x00, 0x00, 0x00));
        // string value over 512 MiB
        cases.put("3 GiB string", rdb(0, KEY, K, 0x80, 0xc0, 0x00, 0x00, 0x00));
        // 64-bit length with the top bit set
        cases.put("2^63 string", rdb(0, KEY, K, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0));
        // LZF string: 10 compressed bytes claiming 400 MiB
        cases.put("LZF 10 -> 400 MiB", rdb(0, KEY, K, 0xc3, 0x0a, 0x80, 0x19, 0x00, 0x00, 0x00));
        // set with 2^40 members
        cases.put("set of 2^40", rdb(2, KEY, K, 0x81, 0, 0, 0x01, 0, 0, 0, 0, 0));
        // module value whose string field announces 400 MiB (captured with no limit on the fast path)
        cases.put("module string 400 MiB", rdb(7, KEY, K, 0x81, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xc0, 0x01,
                0x05, 0x80, 0x19, 0x00, 0x00, 0x00));
        // list of one 400 MiB element, captured on the fast path under the 64 MiB threshold
        cases.put("list element 400 MiB", rdb(1, KEY, K, 0x01, 0x80, 0x19, 0x00, 0x00, 0x00));
        // quicklist2 node of 60 MiB (below the 64 MiB threshold: captured)
        cases.put("quicklist node 60 MiB", rdb(18, KEY, K, 0x01, 0x02, 0x80, 0x03, 0xc0, 0x00, 0x00));
        cases.forEach((name, in) -> {
            for (RdbParserConfig cfg : List.of(FAST, DECODE)) {
                assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                    RdbException e = outcome(in, cfg, name);
                    if (e == null) fail(name + ": parsed without error");
                });
            }
        });
    }
}
