package io.redismigrate.connector.testutils;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The version-matrix harness itself: each version starts standalone and as a cluster with a replica. */
class ServerVersionsTest {
    @Test
    void capabilitiesFollowTheVersionLines() throws Exception {
        ServerVersion redis60 = new ServerVersion("x", false, 6, 0, 16);
        ServerVersion redis70 = new ServerVersion("x", false, 7, 0, 15);
        ServerVersion redis80 = new ServerVersion("x", false, 8, 0, 2);
        ServerVersion valkey81 = new ServerVersion("x", true, 8, 1, 1);
        assertEquals("redis-6.0", redis60.name());
        assertEquals("valkey-8.1", valkey81.name());
        assertFalse(redis60.debugCommandOption() || redis60.hasFunctions() || redis60.atLeast62() || redis60.addSlotsRange());
        assertTrue(redis70.hasFunctions() && !redis70.selectInsideMulti() && !redis70.hashFieldTtl());
        assertTrue(redis80.selectInsideMulti() && redis80.hashFieldTtl() && redis80.hashFieldTtlCommands80());
        assertTrue(valkey81.isValkey() && valkey81.atLeast(7, 2) && !valkey81.atLeast(7, 4) && valkey81.selectInsideMulti());
        assertFalse(valkey81.hashFieldTtl());
        assertTrue(ServerVersions.all().size() >= 1);
    }

    static final List<ServerVersion> MATRIX = ServerVersions.EXPECTED.stream().map(ServerVersion::named).toList();

    static List<String> names(List<VersionPair> pairs) {
        return pairs.stream().map(VersionPair::name).toList();
    }

    @Test
    void defaultPairsAreEachVersionIntoItselfIntoTheOldestAndNewestRedisAndRedisValkeyBothWays() {
        assertEquals(List.of(
                "redis-6.0 -> redis-6.0", "redis-7.0 -> redis-7.0", "valkey-8.0 -> valkey-8.0", "redis-8.0 -> redis-8.0",
                "valkey-8.1 -> valkey-8.1",
                "redis-7.0 -> redis-6.0", "valkey-8.0 -> redis-6.0", "redis-8.0 -> redis-6.0", "valkey-8.1 -> redis-6.0",
                "redis-6.0 -> redis-8.0", "redis-7.0 -> redis-8.0", "valkey-8.0 -> redis-8.0", "valkey-8.1 -> redis-8.0",
                "redis-8.0 -> valkey-8.1", "redis-7.0 -> valkey-8.0", "redis-6.0 -> valkey-8.1",
                "valkey-8.1 -> redis-7.0"), names(ServerVersions.selectPairs(MATRIX, null)));
        assertEquals(ServerVersions.selectPairs(MATRIX, null), ServerVersions.selectPairs(MATRIX, " default "));
        // every version is a source and a target of a pair with each flavour, older and newer
        for (ServerVersion v : MATRIX) {
            List<VersionPair> p = ServerVersions.selectPairs(MATRIX, "");
            assertTrue(p.stream().anyMatch(x -> x.source().equals(v) && x.target().isValkey() != v.isValkey()), v.name());
            assertTrue(p.stream().anyMatch(x -> x.target().equals(v) && x.source().isValkey() != v.isValkey()), v.name());
        }
    }

    @Test
    void allPairsAreEveryOrderedPair() {
        List<VersionPair> all = ServerVersions.selectPairs(MATRIX, "all");
        assertEquals(25, all.size());
        assertEquals(25, new java.util.HashSet<>(all).size());
        assertEquals("redis-6.0 -> redis-6.0", all.get(0).name());
        assertEquals("redis-6.0 -> redis-7.0", all.get(1).name());
        assertTrue(names(all).contains("valkey-8.1 -> valkey-8.0"));
        assertTrue(all.containsAll(ServerVersions.selectPairs(MATRIX, null)));
    }

    @Test
    void aListOfPairsSelectsThoseOnlyAndAnUnknownPairIsAnError() {
        assertEquals(List.of("redis-8.0 -> redis-6.0", "valkey-8.1 -> redis-7.0"),
                names(ServerVersions.selectPairs(MATRIX, "redis-8.0->redis-6.0, valkey-8.1 -> redis-7.0,redis-8.0->redis-6.0")));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ServerVersions.selectPairs(MATRIX, "redis-9.0->redis-6.0"));
        assertTrue(e.getMessage().contains("redis-9.0->redis-6.0"), e.getMessage());
    }

    @Test
    void withoutTheMatrixTheSystemServerGoesIntoItselfAndOneLineNamesThePairsSkipped() {
        ServerVersion system = ServerVersion.named("redis-7.0");
        List<VersionPair> pairs = ServerVersions.selectPairs(List.of(system), null);
        assertEquals(List.of("redis-7.0 -> redis-7.0"), names(pairs));
        String line = ServerVersions.describePairs(pairs, null);
        assertFalse(line.contains("\n"), line);
        assertTrue(line.contains("1 run [redis-7.0 -> redis-7.0]; skipped 16 [redis-6.0 -> redis-6.0, valkey-8.0 -> valkey-8.0"), line);
        assertTrue(line.contains("valkey-8.1 -> redis-7.0]"), line);
        assertTrue(ServerVersions.describePairs(ServerVersions.selectPairs(List.of(system), "all"), "all").contains("skipped 24 ["));
        assertTrue(ServerVersions.describePairs(ServerVersions.selectPairs(MATRIX, null), null).contains("skipped 0;"));
        // a single Valkey, or Valkey only: into itself, then the oldest and newest Valkey take the Redis roles
        List<ServerVersion> valkeys = List.of(MATRIX.get(2), MATRIX.get(4));
        assertEquals(List.of("valkey-8.0 -> valkey-8.0", "valkey-8.1 -> valkey-8.1", "valkey-8.1 -> valkey-8.0",
                "valkey-8.0 -> valkey-8.1"), names(ServerVersions.selectPairs(valkeys, null)));
        assertEquals(1, ServerVersions.pairs().stream().filter(p -> p.source().equals(p.target())).limit(1).count());
    }

    @Test
    void pairsKnowWhatTheTargetCannotStore() {
        VersionPair p = new VersionPair(MATRIX.get(3), MATRIX.get(0)); // redis-8.0 -> redis-6.0
        assertTrue(p.functionsRefused() && p.hashFieldTtlRefused() && !p.functions() && !p.hashFieldTtl());
        VersionPair q = new VersionPair(MATRIX.get(1), MATRIX.get(4)); // redis-7.0 -> valkey-8.1
        assertTrue(q.functions() && !q.functionsRefused() && !q.hashFieldTtl() && !q.hashFieldTtlRefused());
        assertEquals("redis-7.0 -> valkey-8.1", q.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.redismigrate.connector.testutils.ServerVersions#all")
    void startsStandaloneAndAsAClusterWithAReplica(ServerVersion v) throws Exception {
        try (RedisServer s = RedisServer.start(v)) {
            assertTrue(s.sync().info("server").contains(":" + v.major() + "." + v.minor() + "."), v.name());
            assertEquals(40, s.digest().length());
        }
        try (RedisCluster c = RedisCluster.start(v, 2, 1)) {
            assertEquals(2, c.masters().size());
            assertEquals(List.of("0-8191"), List.of(RedisCluster.slotsOf(c.masters().get(0))));
            assertEquals(1, c.replicasOf(c.masters().get(1)).size());
        }
    }
}
