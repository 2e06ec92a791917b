package io.redismigrate.connector.resp;

import io.redismigrate.connector.testutils.RedisCluster;
import io.redismigrate.connector.testutils.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Topology discovery and the cluster test harness against real clusters of redis-server processes. */
class ClusterTopologyTest {
    private static RedisCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = RedisCluster.start(3, 1);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    private static RedisEndpoint endpoint(RedisServer s) {
        return RedisEndpoint.parse(s.uri());
    }

    private static List<String> describe(ClusterTopology t) {
        List<String> out = new ArrayList<>();
        for (ClusterTopology.Shard s : t.shards()) {
            List<Integer> replicaPorts = new ArrayList<>();
            for (RedisEndpoint r : s.replicas()) replicaPorts.add(r.port());
            replicaPorts.sort(null);
            out.add(s.master().port() + " " + s.slotsText() + " " + replicaPorts + " " + s.masterId());
        }
        return out;
    }

    private List<String> expected() {
        List<String> out = new ArrayList<>();
        for (RedisServer m : cluster.masters()) {
            List<Integer> replicaPorts = new ArrayList<>();
            for (RedisServer r : cluster.replicasOf(m)) replicaPorts.add(r.port());
            replicaPorts.sort(null);
            String slots = RedisCluster.slotsOf(m);
            int first = Integer.parseInt(slots.split("-")[0]);
            out.add(first + " " + m.port() + " " + slots + " " + replicaPorts + " " + cluster.nodeId(m));
        }
        out.sort((a, b) -> Integer.compare(Integer.parseInt(a.split(" ")[0]), Integer.parseInt(b.split(" ")[0])));
        List<String> trimmed = new ArrayList<>();
        for (String s : out) trimmed.add(s.substring(s.indexOf(' ') + 1));
        return trimmed;
    }

    @Test
    void shardsAndNodesGiveTheSameTopologyFromAnyNode() throws Exception {
        List<String> want = expected();
        assertEquals(List.of("0-5460", "5461-10921", "10922-16383"),
                want.stream().map(s -> s.split(" ")[1]).toList(), "harness: slots split evenly");
        for (RedisServer node : cluster.nodes()) {
            try (RedisConnection c = RedisConnection.open(endpoint(node), "source", 5000)) {
                assertTrue(ClusterTopology.isCluster(c), "INFO cluster on " + node.port());
                assertEquals(want, describe(ClusterTopology.read(c)), "CLUSTER SHARDS seen from " + node.port());
                Object nodes = c.call("CLUSTER", "NODES");
                assertEquals(want, describe(ClusterTopology.fromNodes(RespReader.text(nodes), c.endpoint())),
                        "CLUSTER NODES seen from " + node.port());
            }
        }
    }

    @Test
    void endpointsKeepTheSeedsCredentials() throws Exception {
        RedisServer seed = cluster.nodes().get(0);
        RedisEndpoint withUser = RedisEndpoint.parse("redis://default:nopass-needed@127.0.0.1:" + seed.port());
        // the nodes have no password: AUTH default <anything> fails, so read through a plain connection
        try (RedisConnection c = RedisConnection.open(endpoint(seed), "source", 5000)) {
            Object shards = c.call("CLUSTER", "SHARDS");
            ClusterTopology t = ClusterTopology.fromShards(shards, withUser);
            for (ClusterTopology.Shard s : t.shards()) {
                assertEquals("default", s.master().user());
                assertEquals("nopass-needed", s.master().password());
                for (RedisEndpoint r : s.replicas()) assertEquals("nopass-needed", r.password());
            }
            assertFalse(t.toString().contains("nopass-needed"), "no password in the topology's text");
        }
    }

    @Test
    void standaloneIsNotACluster() throws Exception {
        try (RedisServer s = RedisServer.start();
             RedisConnection c = RedisConnection.open(endpoint(s), "source", 5000)) {
            assertFalse(ClusterTopology.isCluster(c));
        }
    }

    @Test
    void rangesRoundTrip() {
        List<int[]> r = ClusterTopology.parseRanges("0-5460,5462,6000-6001");
        assertEquals("0-5460,5462,6000-6001", ClusterTopology.rangesText(r));
    }

    /**
     * The digest helper the end-to-end tests rely on: the same keys in a cluster and in a standalone node compare
     * equal, and one changed value makes them differ.
     */
    @Test
    void clusterDigestEqualsStandaloneDigestOfTheSameData() throws Exception {
        try (RedisCluster c = RedisCluster.start(3, 0); RedisServer standalone = RedisServer.start()) {
            assertEquals(RedisCluster.digestWithoutDb0Constant(standalone.digest()), c.digestWithoutDb0Constant(),
                    "both empty");
            for (int i = 0; i < 300; i++) {
                String key = "k" + i;
                c.connectionFor(key).set(key, "v" + i);
                standalone.sync().set(key, "v" + i);
                c.connectionFor("h" + i).hset("h" + i, "f", "x" + i);
                standalone.sync().hset("h" + i, "f", "x" + i);
            }
            for (RedisServer m : c.masters()) assertTrue(m.sync().dbsize() > 100, "keys spread over every master");
            String s = RedisCluster.digestWithoutDb0Constant(standalone.digest());
            assertNotEquals("0".repeat(40), s);
            assertEquals(s, c.digestWithoutDb0Constant(), "cluster vs standalone with the same data");
            c.connectionFor("k7").set("k7", "changed");
            assertNotEquals(s, c.digestWithoutDb0Constant(), "a changed value shows");
        }
    }

    @Test
    void failoverPromotesTheReplicaAndDiscoveryFollows() throws Exception {
        try (RedisCluster c = RedisCluster.start(2, 1)) {
            RedisServer oldMaster = c.nodeForSlot(0);
            RedisServer replica = c.replicasOf(oldMaster).get(0);
            c.connectionFor("a").set("a", "1");
            c.failover(replica);
            assertTrue(RedisCluster.isMaster(replica));
            assertFalse(RedisCluster.isMaster(oldMaster));
            ClusterTopology t = ClusterTopology.discover(endpoint(oldMaster), "source", 5000);
            // a replica shows as "online" in CLUSTER SHARDS once its offset has been gossiped (about a second)
            for (int i = 0; i < 100 && t.shardForSlot(0).replicas().isEmpty(); i++) {
                Thread.sleep(100);
                t = ClusterTopology.discover(endpoint(oldMaster), "source", 5000);
            }
            ClusterTopology.Shard shard = t.shardForSlot(0);
            assertNotNull(shard);
            assertEquals(replica.port(), shard.master().port());
            assertEquals(List.of(oldMaster.port()), shard.replicas().stream().map(RedisEndpoint::port).toList());
            assertEquals(2, t.shards().size());
            assertEquals("1", c.connectionFor("a").get("a"));
        }
    }
}
