package io.redismigrate.connector.resp;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** TLS settings travel with an endpoint: to the nodes of a cluster and through Java serialization. */
class TlsEndpointTest {
    private static final TlsSettings TLS = new TlsSettings("/etc/ca.pem", "/etc/client.pem", "/etc/client.key", false);

    @Test
    void clusterNodesDiscoveredFromATlsSeedKeepItsSettings() {
        RedisEndpoint seed = RedisEndpoint.parse("rediss://:pw@127.0.0.1:7000").withTls(TLS);
        String nodes = "a1 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-8191\n"
                + "b2 127.0.0.1:7001@17001 master - 0 0 2 connected 8192-16383\n"
                + "c3 127.0.0.1:7002@17002 slave b2 0 0 2 connected\n";
        ClusterTopology t = ClusterTopology.fromNodes(nodes, seed);
        assertEquals(2, t.shards().size());
        for (ClusterTopology.Shard s : t.shards()) {
            assertEquals(TLS, s.master().tlsSettings());
            for (RedisEndpoint r : s.replicas()) assertEquals(TLS, r.tlsSettings());
        }
    }

    @Test
    void settingsSurviveJavaSerializationAndDoNotChangeEquality() throws Exception {
        RedisEndpoint e = RedisEndpoint.parse("rediss://127.0.0.1:7000").withTls(TLS);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        RedisEndpoint copy = (RedisEndpoint) new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
        assertEquals(TLS, copy.tlsSettings());
        assertEquals(RedisEndpoint.parse("rediss://127.0.0.1:7000"), copy);
        assertEquals(TLS, copy.withAddress("127.0.0.1", 7001).tlsSettings());
    }

    @Test
    void certificateWithoutKeyIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TlsSettings(null, "/etc/client.pem", null, false));
        assertThrows(IllegalArgumentException.class, () -> new TlsSettings(null, null, "/etc/client.key", false));
    }
}
