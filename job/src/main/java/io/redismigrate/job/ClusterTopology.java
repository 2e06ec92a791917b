package io.redismigrate.job;

import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.resp.RespReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Whether a node belongs to a Redis Cluster, and the cluster's nodes (masters and replicas) as endpoints. */
public final class ClusterTopology {
    private ClusterTopology() {}

    /** Every node named by CLUSTER SLOTS (with the credentials of {@code c}), or empty for a standalone node. */
    public static List<RedisEndpoint> nodes(RedisConnection c) throws IOException {
        if (!"1".equals(c.info("cluster").get("cluster_enabled"))) return List.of();
        Object reply = c.call("CLUSTER", "SLOTS");
        if (reply instanceof RespError) {
            throw new IOException("target " + c.endpoint() + ": CLUSTER SLOTS failed (" + reply + "); the user needs the CLUSTER command");
        }
        Set<RedisEndpoint> nodes = new LinkedHashSet<>();
        nodes.add(c.endpoint());
        for (Object r : (List<?>) reply) {
            List<?> range = (List<?>) r;
            for (int i = 2; i < range.size(); i++) {
                List<?> node = (List<?>) range.get(i);
                String host = RespReader.text(node.get(0));
                if (host.isEmpty()) host = c.endpoint().host();
                nodes.add(c.endpoint().withAddress(host, ((Number) node.get(1)).intValue()));
            }
        }
        return new ArrayList<>(nodes);
    }
}
