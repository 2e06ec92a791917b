package io.redismigrate.job.verify;

import io.lettuce.core.api.sync.RedisCommands;
import io.redismigrate.connector.event.Slots;
import io.redismigrate.connector.event.SlotTags;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestCluster;
import io.redismigrate.job.MainTest;
import io.redismigrate.job.MigrationOptions;
import io.redismigrate.job.UsageException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * verify with a Redis Cluster on either side: a 3-master cluster, a 2-master cluster (another slot layout) and a
 * standalone server, started once; every test starts from empty nodes.
 */
class VerifierClusterTest {
    private static final int KEYS = 120;

    private static Deployment three;
    private static Deployment two;
    private static Deployment standalone;

    @BeforeAll
    static void startServers() throws Exception {
        three = new Deployment(null, TestCluster.start(3));
        two = new Deployment(null, TestCluster.start(2));
        standalone = new Deployment(RedisServer.start(), null);
    }

    @AfterAll
    static void stopServers() {
        for (Deployment s : new Deployment[] {three, two, standalone}) if (s != null) s.close();
    }

    @BeforeEach
    void empty() {
        for (Deployment s : new Deployment[] {three, two, standalone}) {
            for (RedisServer n : s.nodes()) {
                n.sync().flushall();
                n.call("FUNCTION", "FLUSH");
            }
        }
    }

    /** A standalone server or a cluster, written key by key on the node that owns the key. */
    private record Deployment(RedisServer server, TestCluster cluster) {
        List<RedisServer> nodes() {
            return cluster == null ? List.of(server) : cluster.masters();
        }

        RedisServer node(byte[] key) {
            return cluster == null ? server : cluster.owner(Slots.slot(key));
        }

        RedisServer node(String key) {
            return node(key.getBytes(StandardCharsets.UTF_8));
        }

        RedisCommands<String, String> at(String key) {
            return node(key).sync();
        }

        String uri() {
            return cluster == null ? server.uri() : cluster.uri();
        }

        void close() {
            if (cluster != null) cluster.close(); else server.close();
        }
    }

    /** KEYS keys of every type (a sixth with a TTL, one stream with a group) in DB 0, spread over many slots. */
    private static void fill(Deployment side) {
        for (int i = 0; i < KEYS; i++) {
            String k = "key:" + i;
            RedisCommands<String, String> r = side.at(k);
            switch (i % 6) {
                case 0 -> r.set(k, "value " + i);
                case 1 -> r.hset(k, Map.of("f1", "v" + i, "f2", "w"));
                case 2 -> r.rpush(k, "a", "b", String.valueOf(i), "b");
                case 3 -> r.sadd(k, "x", "y", String.valueOf(i));
                case 4 -> {
                    r.zadd(k, 1.5, "one");
                    r.zadd(k, i, "two");
                }
                default -> r.xadd(k, Map.of("f", "v" + i));
            }
            if (i % 7 == 0) r.pexpire(k, 100_000);
        }
        side.node("key:5").call("XGROUP", "CREATE", "key:5", "g1", "0");
        side.at("__redis_migrate:heartbeat:1").set("__redis_migrate:heartbeat:1", "the tool's, ignored");
        for (RedisServer n : side.nodes()) assertTrue(n.sync().dbsize() > 0, "every node holds keys");
    }

    /** Copies every key but the heartbeat with DUMP/RESTORE and PTTL to the node owning it on {@code to}. */
    private static void copy(Deployment from, Deployment to) {
        for (RedisServer n : from.nodes()) {
            for (byte[] key : n.binary().keys("*")) {
                if (new String(key, StandardCharsets.UTF_8).startsWith("__redis_migrate:heartbeat")) continue;
                long pttl = n.binary().pttl(key);
                to.node(key).binary().restore(key, Math.max(pttl, 0), n.binary().dump(key));
            }
        }
        for (RedisServer n : to.nodes()) assertTrue(n.sync().dbsize() > 0, "every node holds keys");
    }

    /** The fence keys a migration leaves on a target, standalone style and cluster style (slot and key fences). */
    private static void addToolKeys(Deployment target) {
        String standaloneFence = "__redis_migrate:fence:127.0.0.1:7000";
        target.at(standaloneFence).set(standaloneFence, "12345");
        for (int slot : new int[] {0, 9000, 16383}) {
            String fence = "__redis_migrate:fence:{" + SlotTags.tag(slot) + "}:slots-0-5460";
            String keyFence = "__redis_migrate:kfence:{" + SlotTags.tag(slot) + "}:slots-0-5460";
            target.at(fence).set(fence, "777");
            target.at(keyFence).hset(keyFence, "key:1", "700");
        }
    }

    /** A key of {@link #fill} without TTL, of the given kind ({@code i % 6}), that {@code d} stores on its n-th node. */
    private static String keyOn(Deployment d, int n, int kind) {
        for (int i = kind; i < KEYS; i += 6) {
            String k = "key:" + i;
            if (i % 7 != 0 && d.node(k) == d.nodes().get(n)) return k;
        }
        throw new IllegalStateException("no key of kind " + kind + " on node " + n);
    }

    /** A key of {@link #fill} with a TTL that {@code d} stores on its n-th node. */
    private static String keyWithTtlOn(Deployment d, int n) {
        for (int i = 0; i < KEYS; i += 7) {
            if (d.node("key:" + i) == d.nodes().get(n)) return "key:" + i;
        }
        throw new IllegalStateException("no key with a TTL on node " + n);
    }

    /** A key that {@link #fill} does not write, stored on the n-th node of {@code d}. */
    private static String extraKeyOn(Deployment d, int n) {
        for (int i = 0; ; i++) {
            if (d.node("extra:" + i) == d.nodes().get(n)) return "extra:" + i;
        }
    }

    private static VerifyResult verify(Deployment source, Deployment target, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("verify", "--source", source.uri(), "--target", target.uri()));
        args.addAll(List.of(extra));
        return new Verifier(MigrationOptions.parse(args.toArray(new String[0]))).verify();
    }

    private static final String EQUAL = "verified " + KEYS + " keys in 1 DBs: 0 missing, 0 different, 0 extra";

    @Test
    void functionLibrariesOfEveryMaster() throws Exception {
        String a = "#!lua name=liba\nredis.register_function('fa', function() return 'a' end)";
        String b = "#!lua name=libb\nredis.register_function('fb', function() return 'b' end)";
        for (RedisServer n : three.nodes()) {
            n.call("FUNCTION", "LOAD", a);
            n.call("FUNCTION", "LOAD", b);
        }
        standalone.server().call("FUNCTION", "LOAD", b);
        standalone.server().call("FUNCTION", "LOAD", a);
        VerifyResult equal = verify(three, standalone);
        assertTrue(equal.equal(), equal.examples().toString());
        assertEquals("function libraries compared: 2 on the source, 2 on the target, equal", equal.functionsNote());

        RedisServer third = three.nodes().get(2);
        third.call("FUNCTION", "DELETE", "libb");                        // one master lacks a library
        VerifyResult r = verify(standalone, three);
        assertEquals(1, r.functionDifferences(), r.examples().toString());
        assertTrue(r.examples().get(0).startsWith("target master 127.0.0.1:" + third.port()
                + ": function libraries differ from master"), r.examples().toString());
    }

    @Test
    void clusterSourceStandaloneTarget() throws Exception {
        fill(three);
        copy(three, standalone);
        VerifyResult r = verify(three, standalone);
        assertEquals(EQUAL, r.summary(), r.examples().toString());
        assertEquals("DEBUG DIGEST-VALUE", r.method());

        addToolKeys(standalone);
        VerifyResult withFences = verify(three, standalone);
        assertEquals(EQUAL, withFences.summary(), "the tool's fences are not extra keys: " + withFences.examples());

        standalone.server().sync().del("key:3");
        standalone.server().sync().select(4);
        standalone.server().sync().set("key:3", "a cluster source has DB 0 only: db4 is out of scope");
        standalone.server().sync().select(0);
        VerifyResult missing = verify(three, standalone);
        assertEquals("verified " + KEYS + " keys in 1 DBs: 1 missing, 0 different, 0 extra", missing.summary(),
                missing.examples().toString());
    }

    @Test
    void standaloneSourceClusterTarget() throws Exception {
        fill(standalone);
        copy(standalone, three);
        addToolKeys(three);
        VerifyResult r = verify(standalone, three);
        assertEquals(EQUAL, r.summary(), r.examples().toString());

        String extra = extraKeyOn(three, 2);
        three.at(extra).set(extra, "only on the target");
        VerifyResult withExtra = verify(standalone, three);
        assertEquals(List.of("target db0 \"" + extra + "\": not on the source"), withExtra.examples());
    }

    @Test
    void clusterToClusterWithAnotherSlotLayout() throws Exception {
        fill(three);
        copy(three, two);
        addToolKeys(two);
        VerifyResult r = verify(three, two);
        assertEquals(EQUAL, r.summary(), r.examples().toString());

        MainTest.Run run = MainTest.run("verify", "--source", three.uri(), "--target", two.uri());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().startsWith(EQUAL), run.out());
        assertEquals("", run.err());
    }

    @Test
    void clusterToClusterDifferences() throws Exception {
        fill(three);
        copy(three, two);
        addToolKeys(two);
        String missing = keyOn(two, 1, 2);  // a list on the second master
        String changed = keyOn(two, 0, 0);  // a string
        String ttl = keyWithTtlOn(two, 1);  // 100 s on the source
        String extra = extraKeyOn(two, 1);
        two.at(missing).del(missing);
        two.at(changed).del(changed);
        two.at(changed).set(changed, "changed");
        two.at(ttl).pexpire(ttl, 50_000);
        two.at(extra).set(extra, "only on the target");

        VerifyResult r = verify(three, two);
        assertEquals("verified " + KEYS + " keys in 1 DBs: 1 missing, 2 different, 1 extra", r.summary(),
                r.examples().toString());
        String examples = String.join("\n", r.examples());
        assertTrue(examples.contains("db0 \"" + missing + "\": missing on the target"), examples);
        assertTrue(examples.contains("db0 \"" + changed + "\": string value differs"), examples);
        assertTrue(examples.matches("(?s).*db0 \"" + ttl + "\": TTL \\d+ ms on the source \\(\\+ up to 300000 ms --ttl-margin\\),"
                + " \\d+ ms on the target.*"), examples);
        assertTrue(examples.contains("target db0 \"" + extra + "\": not on the source"), examples);
        assertFalse(examples.contains("__redis_migrate"), examples);

        MainTest.Run run = MainTest.run("verify", "--source", three.uri(), "--target", two.uri());
        assertEquals(1, run.code());
        run.assertOneLine();
        assertTrue(run.err().contains("the target differs from the source (1 missing, 2 different, 1 extra)"), run.err());
        assertTrue(run.out().contains("  db0 \"" + missing + "\": missing on the target"), run.out());
    }

    @Test
    void canonicalComparisonAcrossClusters() throws Exception {
        fill(three);
        copy(three, two);
        RedisServer second = two.nodes().get(1);
        second.call("ACL", "SETUSER", "default", "-debug");
        try {
            VerifyResult r = verify(three, two);
            assertEquals("canonical value", r.method());
            assertEquals(EQUAL, r.summary(), r.examples().toString());

            String changed = keyOn(two, 1, 3); // a set, on the node that refuses DEBUG
            two.at(changed).sadd(changed, "new member");
            VerifyResult diff = verify(three, two);
            assertEquals(1, diff.different(), diff.examples().toString());
            assertEquals(0, diff.missing() + diff.extra(), diff.examples().toString());
        } finally {
            second.call("ACL", "SETUSER", "default", "+debug");
        }
    }

    @Test
    void clusterTargetNeedsEverySourceDbMappedToDb0() throws Exception {
        fill(standalone);
        copy(standalone, two);
        RedisCommands<String, String> src = standalone.server().sync();
        src.select(3);
        src.set("db3:a", "1");
        src.select(0);

        UsageException e = assertThrows(UsageException.class, () -> verify(standalone, two));
        assertEquals("the target is a Redis Cluster, which has only DB 0, but source db3 holds 1 keys and maps to"
                + " target db3; pass the --db-map (e.g. 3:0) or --db that the migration used", e.getMessage());
        MainTest.Run run = MainTest.run("verify", "--source", standalone.uri(), "--target", two.uri());
        assertEquals(2, run.code(), run.out());
        run.assertOneLine();
        assertTrue(run.err().contains("source db3 holds 1 keys and maps to target db3;"), run.err());

        assertEquals(EQUAL, verify(standalone, two, "--db", "0").summary());
        VerifyResult mapped = verify(standalone, two, "--db", "3", "--db-map", "3:0");
        assertEquals(1, mapped.missing(), mapped.examples().toString());
        // those with a TTL (100 s, within the default --ttl-margin) count as expiring: their DEL may be in flight
        assertEquals(KEYS, mapped.extra() + mapped.expiring(), "DB 0's keys are extra when only db3 is mapped to it");
        assertEquals((KEYS + 6) / 7, mapped.expiring(), mapped.summary());
        assertEquals(KEYS, verify(standalone, two, "--db", "3", "--db-map", "3:0", "--ttl-margin", "0s").extra());
        two.at("db3:a").set("db3:a", "1");
        VerifyResult prefixed = verify(standalone, two, "--db", "3", "--db-map", "3:0", "--include-prefix", "db3:");
        assertEquals("verified 1 keys in 1 DBs: 0 missing, 0 different, 0 extra", prefixed.summary(), prefixed.examples().toString());
    }
}
