package io.redismigrate.connector.testutils;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
