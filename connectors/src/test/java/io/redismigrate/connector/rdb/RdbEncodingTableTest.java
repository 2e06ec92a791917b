package io.redismigrate.connector.rdb;

import io.redismigrate.connector.testutils.EventApplier;
import io.redismigrate.connector.testutils.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every encoding redis-server 7.0 writes, forced with its {@code *-max-*} settings (and DEBUG QUICKLIST-PACKED-THRESHOLD
 * for plain list nodes), saved, parsed: each key must reach the parser in the expected RDB type and sub-encoding
 * (read back from the RESTORE payload), and both paths applied to fresh servers must reproduce the source's digest.
 */
class RdbEncodingTableTest {
    static RedisServer source;
    static Path rdb;

    /**
     * key -> expected encoding as {@link #encodingOf} describes it. With rdbcompression on, SAVE writes every
     * compressible string of more than 20 bytes as LZF, list nodes included (in-memory compressed nodes too).
     */
    static final Map<String, String> EXPECTED = new TreeMap<>(Map.ofEntries(
            Map.entry("str:int8", "string/int8"),
            Map.entry("str:int16", "string/int16"),
            Map.entry("str:int32", "string/int32"),
            Map.entry("str:raw", "string/raw"),
            Map.entry("str:lzf", "string/lzf"),
            Map.entry("list:one-node", "quicklist2/nodes=1 packed=1 plain=0 lzf=0"),
            Map.entry("list:multi-node", "quicklist2/nodes=5 packed=5 plain=0 lzf=0"),
            Map.entry("list:compressed", "quicklist2/nodes=4 packed=4 plain=0 lzf=4"),
            Map.entry("list:plain", "quicklist2/nodes=3 packed=2 plain=1 lzf=1"),
            Map.entry("set:int16", "intset/width=2"),
            Map.entry("set:int32", "intset/width=4"),
            Map.entry("set:int64", "intset/width=8"),
            Map.entry("set:hashtable", "set/n=3"),
            Map.entry("zset:listpack", "zset_listpack"),
            Map.entry("zset:skiplist", "zset2/n=3"),
            Map.entry("hash:listpack", "hash_listpack"),
            Map.entry("hash:hashtable", "hash/n=3"),
            Map.entry("stream", "stream_listpacks2")));

    @BeforeAll
    static void writeRdb() throws Exception {
        source = RedisServer.start("--rdbcompression", "yes");
        var r = source.sync();
        r.set("str:int8", "100");
        r.set("str:int16", "12345");
        r.set("str:int32", "1234567");
        r.set("str:raw", "hello world");
        r.set("str:lzf", "a".repeat(5000));
        r.rpush("list:one-node", "a", "b", "1", "-2");
        source.call("CONFIG", "SET", "list-max-listpack-size", "4");
        for (int i = 0; i < 20; i++) r.rpush("list:multi-node", "e" + i);
        source.call("CONFIG", "SET", "list-compress-depth", "1");
        for (int i = 0; i < 16; i++) r.rpush("list:compressed", ("compressible-" + i + "-").repeat(10));
        source.call("CONFIG", "SET", "list-compress-depth", "0");
        source.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100");
        r.rpush("list:plain", "small", "x".repeat(1000), "small2");
        source.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1073741824");
        r.sadd("set:int16", "1", "2", "-3");
        r.sadd("set:int32", "1", "70000");
        r.sadd("set:int64", "1", "5000000000");
        r.sadd("set:hashtable", "a", "b", "c");
        r.zadd("zset:listpack", 1.5, "a");
        r.zadd("zset:listpack", -2, "b");
        r.hset("hash:listpack", Map.of("f1", "v1", "f2", "2"));
        source.call("CONFIG", "SET", "zset-max-listpack-entries", "1");
        source.call("CONFIG", "SET", "hash-max-listpack-entries", "1");
        r.zadd("zset:skiplist", 1, "a");
        r.zadd("zset:skiplist", 2.5, "b");
        r.zadd("zset:skiplist", Double.NEGATIVE_INFINITY, "c");
        r.hset("hash:hashtable", Map.of("f1", "v1", "f2", "2", "f3", "v3"));
        for (int i = 0; i < 50; i++) r.xadd("stream", Map.of("n", String.valueOf(i)));
        r.xgroupCreate(io.lettuce.core.XReadArgs.StreamOffset.from("stream", "0-0"), "g1");
        r.xreadgroup(io.lettuce.core.Consumer.from("g1", "alice"), io.lettuce.core.XReadArgs.Builder.count(5),
                io.lettuce.core.XReadArgs.StreamOffset.lastConsumed("stream"));
        source.call("SAVE");
        rdb = source.dir().resolve("dump.rdb");
    }

    @AfterAll
    static void stop() {
        if (source != null) source.close();
    }

    @Test
    void everyKeyReachesTheParserInTheEncodingItWasForcedInto() throws Exception {
        Collected fast = Collected.parse(Files.newInputStream(rdb), RdbParserConfig.defaults());
        Map<String, String> seen = new TreeMap<>();
        for (Collected.Key k : fast.keys.values()) seen.put(k.name, encodingOf(k.payload));
        assertEquals(EXPECTED, seen);
    }

    @ParameterizedTest(name = "big-key threshold {0}")
    @ValueSource(longs = {64L << 20, 0, 200})
    void bothPathsReproduceTheSourceDigest(long threshold) throws Exception {
        try (RedisServer target = RedisServer.start(); EventApplier applier = new EventApplier(target);
             InputStream in = Files.newInputStream(rdb)) {
            RdbParser parser = new RdbParser(in, applier, RdbParserConfig.defaults().withBigKeyThreshold(threshold).withChunks(3, 4096));
            parser.parse();
            assertEquals(List.of(), applier.errors);
            assertEquals(EXPECTED.size(), parser.keysRestored() + parser.keysDecoded());
            if (threshold == 0) assertEquals(0, parser.keysRestored());
            if (threshold == 200) assertTrue(parser.keysRestored() > 0 && parser.keysDecoded() > 0, "mixed paths");
            assertEquals(source.digest(), target.digest());
            for (String key : EXPECTED.keySet()) {
                assertEquals(source.call("DEBUG", "DIGEST-VALUE", key), target.call("DEBUG", "DIGEST-VALUE", key), key);
            }
        }
    }

    /** Describes a RESTORE payload's RDB type and the encoding inside it, read with the parser's own primitives. */
    static String encodingOf(byte[] payload) throws IOException {
        int type = payload[0] & 0xff;
        RdbReader r = new RdbReader(new RdbInput(new ByteArrayInputStream(payload, 1, payload.length - 11)));
        switch (type) {
            case RdbConstants.RDB_TYPE_STRING: {
                int first = payload[1] & 0xff;
                if ((first & 0xc0) != 0xc0) return "string/raw";
                return "string/" + new String[] {"int8", "int16", "int32", "lzf"}[first & 0x3f];
            }
            case RdbConstants.RDB_TYPE_LIST_QUICKLIST_2: {
                long nodes = r.readLength();
                int packed = 0, plain = 0, lzf = 0;
                for (long i = 0; i < nodes; i++) {
                    long container = r.readLength();
                    if (container == RdbConstants.QUICKLIST_NODE_CONTAINER_PLAIN) plain++;
                    else packed++;
                    long h = r.readStringHeaderOrMinusOne();
                    if (h < 0) {
                        if (-1 - h == RdbConstants.RDB_ENC_LZF) lzf++;
                        r.readEncodedBody(h);
                    } else {
                        r.readRaw(h);
                    }
                }
                return "quicklist2/nodes=" + nodes + " packed=" + packed + " plain=" + plain + " lzf=" + lzf;
            }
            case RdbConstants.RDB_TYPE_SET_INTSET: {
                byte[] is = r.readString();
                return "intset/width=" + (is[0] & 0xff);
            }
            case RdbConstants.RDB_TYPE_SET: case RdbConstants.RDB_TYPE_ZSET_2: case RdbConstants.RDB_TYPE_HASH:
                return Corpus.typeName(type) + "/n=" + r.readLength();
            default:
                return Corpus.typeName(type);
        }
    }
}
