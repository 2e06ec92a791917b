package io.redismigrate.connector.testutils;

import io.redismigrate.connector.event.Slots;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Redis Cluster of {@code n} masters (no replicas) on free loopback ports, slots split evenly, for tests of
 * cluster destinations. (Named TestCluster so it cannot clash with the source-side harness {@code RedisCluster}.)
 * Offers slot moves under load (SETSLOT IMPORTING/MIGRATING + MIGRATE + SETSLOT NODE) and a layout-independent
 * digest: the XOR of the nodes' {@code DEBUG DIGEST}s with each node's empty-DB constant removed.
 */
public final class TestCluster implements AutoCloseable {
    private final List<RedisServer> masters;
    private final List<String> ids = new ArrayList<>();

    private TestCluster(List<RedisServer> masters) {
        this.masters = masters;
    }

    /** A cluster of the system version ({@link ServerVersions#system()}). */
    public static TestCluster start(int n) throws IOException, InterruptedException {
        return start(ServerVersions.system(), n);
    }

    /** A cluster of {@code n} masters, all running version {@code v}. */
    public static TestCluster start(ServerVersion v, int n) throws IOException, InterruptedException {
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                nodes.add(RedisServer.start(v, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "5000", "--cluster-require-full-coverage", "no"));
            }
            TestCluster c = new TestCluster(nodes);
            for (RedisServer s : nodes) c.ids.add(String.valueOf(s.call("CLUSTER", "MYID").get(0)));
            for (int i = 1; i < n; i++) nodes.get(i).call("CLUSTER", "MEET", "127.0.0.1", String.valueOf(nodes.get(0).port()));
            for (int i = 0; i < n; i++) {
                int from = Slots.SLOT_COUNT * i / n;
                int to = Slots.SLOT_COUNT * (i + 1) / n - 1;
                RedisCluster.addSlots(nodes.get(i), from, to);
            }
            c.awaitStable();
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            for (RedisServer s : nodes) s.close();
            throw e;
        }
    }

    /** Waits until every node reports cluster_state:ok and knows every other node's slots. */
    public void awaitStable() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            boolean ok = true;
            for (RedisServer s : masters) {
                String info = s.sync().clusterInfo();
                if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_assigned:16384")
                        || !info.contains("cluster_known_nodes:" + masters.size())) {
                    ok = false;
                }
            }
            if (ok && consistent()) return;
            Thread.sleep(100);
        }
        throw new IllegalStateException("cluster did not become stable within 30 s");
    }

    /**
     * Every node answers the same CLUSTER SLOTS, ranges compared in slot order (Redis 6.0 lists them in its node
     * table's order, which differs from node to node).
     */
    private boolean consistent() {
        String first = null;
        for (RedisServer s : masters) {
            List<Object> ranges = new ArrayList<>(s.call("CLUSTER", "SLOTS"));
            ranges.sort(java.util.Comparator.comparingLong(r -> (Long) ((List<?>) r).get(0)));
            String slots = ranges.toString();
            if (first == null) first = slots;
            else if (!first.equals(slots)) return false;
        }
        return true;
    }

    public List<RedisServer> masters() {
        return masters;
    }

    /** URI of the first node (any node is enough for redis-migrate). */
    public String uri() {
        return masters.get(0).uri();
    }

    /** The master that owns {@code slot}, per the first node's view. */
    public RedisServer owner(int slot) {
        for (Object r : masters.get(0).call("CLUSTER", "SLOTS")) {
            List<?> range = (List<?>) r;
            long from = (Long) range.get(0);
            long to = (Long) range.get(1);
            if (slot >= from && slot <= to) {
                long port = (Long) ((List<?>) range.get(2)).get(1);
                for (RedisServer s : masters) if (s.port() == port) return s;
            }
        }
        throw new IllegalStateException("slot " + slot + " unassigned");
    }

    public String id(RedisServer node) {
        return ids.get(masters.indexOf(node));
    }

    public static int slot(String key) {
        return Slots.slot(key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Moves {@code slot} to {@code to} the way redis-cli --cluster reshard does: IMPORTING on the target,
     * MIGRATING on the owner, MIGRATE of its keys in batches of {@code batch} (with {@code pauseMs} between
     * batches, so writes land mid-migration), then SETSLOT NODE on every node.
     */
    public void moveSlot(int slot, RedisServer to, int batch, long pauseMs) throws InterruptedException {
        RedisServer from = owner(slot);
        if (from == to) return;
        String s = String.valueOf(slot);
        to.call("CLUSTER", "SETSLOT", s, "IMPORTING", id(from));
        from.call("CLUSTER", "SETSLOT", s, "MIGRATING", id(to));
        while (true) {
            List<Object> keys = from.call("CLUSTER", "GETKEYSINSLOT", s, String.valueOf(batch));
            if (keys.isEmpty()) break;
            List<String> args = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", String.valueOf(to.port()), "", "0", "10000", "KEYS"));
            for (Object k : keys) args.add(String.valueOf(k));
            from.call(args.toArray(new String[0]));
            if (pauseMs > 0) Thread.sleep(pauseMs);
        }
        to.call("CLUSTER", "SETSLOT", s, "NODE", id(to));
        from.call("CLUSTER", "SETSLOT", s, "NODE", id(to));
        for (RedisServer m : masters) if (m != from && m != to) m.call("CLUSTER", "SETSLOT", s, "NODE", id(to));
    }

    /** Total keys over the masters. */
    public long dbsize() {
        long n = 0;
        for (RedisServer s : masters) n += s.sync().dbsize();
        return n;
    }

    /** Deletes the tool's own keys ({@code __redis_migrate:*}) on every master. */
    public void dropToolKeys() {
        for (RedisServer s : masters) {
            for (String k : s.sync().keys("__redis_migrate:*")) s.sync().del(k);
        }
    }

    /**
     * XOR of the masters' DEBUG DIGESTs, each with its empty-keyspace constant removed, XORed with the constant
     * once: comparable with a standalone server's DEBUG DIGEST of the same data (DB 0 only).
     */
    public String digest() {
        // debug.c: a node's digest = mixDigest(zero, htonl(0)) XOR the digests of its keys (DB 0 only on a
        // cluster; an empty node's digest is all zeros); mixDigest(zero, htonl(0)) = SHA1(20 + 4 zero bytes)
        BigInteger dbConstant;
        try {
            dbConstant = new BigInteger(1, java.security.MessageDigest.getInstance("SHA-1").digest(new byte[24]));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        BigInteger x = BigInteger.ZERO;
        boolean any = false;
        for (RedisServer s : masters) {
            String d = s.digest();
            if (!d.matches("0+")) {
                x = x.xor(new BigInteger(d, 16)).xor(dbConstant);
                any = true;
            }
        }
        if (!any) return "0".repeat(40);
        String hex = x.xor(dbConstant).toString(16);
        return "0".repeat(40 - hex.length()) + hex;
    }

    @Override
    public void close() {
        for (RedisServer s : masters) s.close();
    }
}
