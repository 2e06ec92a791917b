package io.redismigrate.connector.testutils;

import io.lettuce.core.api.sync.RedisCommands;
import io.redismigrate.connector.event.Slots;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A real Redis Cluster of redis-server processes on free loopback ports, for tests: {@code masters} masters with
 * the 16384 slots split evenly (master i owns one contiguous range, in order), and {@code replicasPerMaster}
 * replicas each. {@link #start} returns once every node reports {@code cluster_state:ok}, agrees on the topology
 * and every replica is in sync.
 */
public final class RedisCluster implements AutoCloseable {
    public static final String[] CLUSTER_ARGS = {"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", "2000", "--cluster-allow-replica-migration", "no"};

    /**
     * {@link #CLUSTER_ARGS} for version {@code v}: a server without {@code cluster-allow-replica-migration} (Redis
     * 6.0) gets a migration barrier no master reaches instead (no replica ever migrates either way).
     */
    public static String[] clusterArgs(ServerVersion v) {
        if (v.allowReplicaMigrationOption()) return CLUSTER_ARGS.clone();
        return new String[] {"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", "2000", "--cluster-migration-barrier", "1000"};
    }

    /**
     * CLUSTER ADDSLOTSRANGE from..to on {@code node}, or CLUSTER ADDSLOTS with every slot where the version lacks
     * ADDSLOTSRANGE (before Redis 7.0).
     */
    public static List<Object> addSlots(RedisServer node, int from, int to) {
        if (node.serverVersion().addSlotsRange()) {
            return node.call("CLUSTER", "ADDSLOTSRANGE", String.valueOf(from), String.valueOf(to));
        }
        String[] a = new String[2 + to - from + 1];
        a[0] = "CLUSTER";
        a[1] = "ADDSLOTS";
        for (int i = from; i <= to; i++) a[2 + i - from] = String.valueOf(i);
        return node.call(a);
    }

    private final List<RedisServer> masters = new ArrayList<>();
    /** replicas.get(i): replicas of the i-th master at start (roles may change after a failover). */
    private final List<List<RedisServer>> replicas = new ArrayList<>();
    private final List<RedisServer> all = new ArrayList<>();
    private final Map<RedisServer, String> ids = new java.util.HashMap<>();

    private RedisCluster() {}

    /** A cluster of the system version ({@link ServerVersions#system()}). */
    public static RedisCluster start(int masters, int replicasPerMaster, String... extraArgs) throws Exception {
        return start(ServerVersions.system(), masters, replicasPerMaster, extraArgs);
    }

    /** A cluster whose nodes all run version {@code v}. */
    public static RedisCluster start(ServerVersion v, int masters, int replicasPerMaster, String... extraArgs) throws Exception {
        RedisCluster c = new RedisCluster();
        try {
            c.boot(v, masters, replicasPerMaster, extraArgs);
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    private void boot(ServerVersion v, int n, int r, String... extraArgs) throws Exception {
        String[] base = clusterArgs(v);
        String[] args = new String[base.length + extraArgs.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extraArgs, 0, args, base.length, extraArgs.length);
        for (int i = 0; i < n; i++) {
            RedisServer m = RedisServer.start(v, args);
            masters.add(m);
            all.add(m);
            List<RedisServer> rs = new ArrayList<>();
            for (int j = 0; j < r; j++) {
                RedisServer s = RedisServer.start(v, args);
                rs.add(s);
                all.add(s);
            }
            replicas.add(rs);
        }
        for (RedisServer s : all) ids.put(s, s.sync().clusterMyId());
        int epoch = 1;
        for (RedisServer s : all) ok(s.call("CLUSTER", "SET-CONFIG-EPOCH", String.valueOf(epoch++)));
        for (int i = 0; i < n; i++) {
            int from = i * Slots.SLOT_COUNT / n;
            int to = (i + 1) * Slots.SLOT_COUNT / n - 1;
            ok(addSlots(masters.get(i), from, to));
        }
        RedisServer first = all.get(0);
        for (RedisServer s : all) {
            if (s != first) ok(first.call("CLUSTER", "MEET", "127.0.0.1", String.valueOf(s.port())));
        }
        await("every node knows every other node", () -> {
            for (RedisServer s : all) {
                if (s.sync().clusterNodes().trim().split("\n").length != all.size()) return false;
                if (s.sync().clusterNodes().contains("handshake")) return false;
            }
            return true;
        });
        for (int i = 0; i < n; i++) {
            for (RedisServer s : replicas.get(i)) ok(s.call("CLUSTER", "REPLICATE", ids.get(masters.get(i))));
        }
        awaitStable();
    }

    /** Waits for cluster_state:ok everywhere, agreement on the masters and replicas in sync. */
    public void awaitStable() throws InterruptedException {
        await("cluster_state:ok on every node, same masters everywhere, replicas in sync", () -> {
            String view = null;
            for (RedisServer s : all) {
                if (!s.sync().clusterInfo().contains("cluster_state:ok")) return false;
                String v = mastersView(s);
                if (view == null) view = v; else if (!view.equals(v)) return false;
            }
            for (RedisServer s : all) {
                String repl = s.sync().info("replication");
                if (repl.contains("role:slave")) {
                    if (!repl.contains("master_link_status:up") || repl.contains("master_sync_in_progress:1")) return false;
                } else {
                    long expected = replicasOf(s).size();
                    if (count(repl, "state=online") != expected) return false;
                }
            }
            return true;
        });
    }

    /** "id slots" of every master as node s sees them, sorted. */
    private static String mastersView(RedisServer s) {
        List<String> out = new ArrayList<>();
        for (String line : s.sync().clusterNodes().split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length >= 8 && f[2].contains("master") && !f[2].contains("fail")) {
                StringBuilder b = new StringBuilder(f[0]);
                for (int i = 8; i < f.length; i++) b.append(' ').append(f[i]);
                out.add(b.toString());
            }
        }
        out.sort(null);
        return out.toString();
    }

    private static long count(String text, String needle) {
        long c = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) c++;
        return c;
    }

    private static void ok(List<Object> reply) {
        if (reply.isEmpty() || !"OK".equals(String.valueOf(reply.get(0)))) {
            throw new IllegalStateException("cluster setup: unexpected reply " + reply);
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void await(String what, Check check) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (check.ok()) return;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("cluster: timed out waiting for: " + what + (last == null ? "" : " (" + last + ")"));
    }

    // ------------------------------------------------------------------ topology

    /** Nodes that are masters now (in start order). */
    public List<RedisServer> masters() {
        List<RedisServer> out = new ArrayList<>();
        for (RedisServer s : all) if (isMaster(s)) out.add(s);
        return out;
    }

    /** Nodes that are replicas now (in start order). */
    public List<RedisServer> replicas() {
        List<RedisServer> out = new ArrayList<>();
        for (RedisServer s : all) if (!isMaster(s)) out.add(s);
        return out;
    }

    public List<RedisServer> nodes() {
        return List.copyOf(all);
    }

    public static boolean isMaster(RedisServer s) {
        return s.sync().info("replication").contains("role:master");
    }

    public String nodeId(RedisServer s) {
        return ids.get(s);
    }

    /** The current replicas of master {@code m}. */
    public List<RedisServer> replicasOf(RedisServer m) {
        String id = ids.get(m);
        List<RedisServer> out = new ArrayList<>();
        for (RedisServer s : all) {
            if (s == m) continue;
            for (String line : s.sync().clusterNodes().split("\n")) {
                String[] f = line.trim().split(" ");
                if (f.length > 3 && f[2].contains("myself") && f[3].equals(id)) out.add(s);
            }
        }
        return out;
    }

    /** The slots of master {@code m} as it reports them ({@code 0-5460}, ranges joined by commas). */
    public static String slotsOf(RedisServer m) {
        for (String line : m.sync().clusterNodes().split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8 || !f[2].contains("myself")) continue;
            List<String> r = new ArrayList<>();
            for (int i = 8; i < f.length; i++) if (!f[i].startsWith("[")) r.add(f[i]);
            return String.join(",", r);
        }
        return "";
    }

    /** The master serving {@code slot} now. */
    public RedisServer nodeForSlot(int slot) {
        for (RedisServer m : masters()) {
            for (String line : m.sync().clusterNodes().split("\n")) {
                String[] f = line.trim().split(" ");
                if (f.length < 8 || !f[2].contains("myself")) continue;
                for (int i = 8; i < f.length; i++) {
                    if (f[i].startsWith("[")) continue; // migrating/importing
                    String[] r = f[i].split("-");
                    int from = Integer.parseInt(r[0]);
                    int to = r.length > 1 ? Integer.parseInt(r[1]) : from;
                    if (slot >= from && slot <= to) return m;
                }
            }
        }
        throw new IllegalStateException("no master serves slot " + slot);
    }

    public RedisServer nodeFor(String key) {
        return nodeForSlot(Slots.slot(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** The string connection of the master that owns {@code key}'s slot (cached per node, like RedisServer). */
    public RedisCommands<String, String> connectionFor(String key) {
        return nodeFor(key).sync();
    }

    /**
     * Manual failover: {@code CLUSTER FAILOVER} on {@code replica}; returns once it is master, its old master is
     * its replica, and the cluster is stable again.
     */
    public void failover(RedisServer replica) throws InterruptedException {
        ok(replica.call("CLUSTER", "FAILOVER"));
        await("replica 127.0.0.1:" + replica.port() + " promoted", () -> isMaster(replica));
        awaitStable();
    }

    // ------------------------------------------------------------------ digests

    /**
     * XOR over the masters of {@code DEBUG DIGEST} with the DB 0 term removed: the digest of the cluster's
     * keyspace that {@link #digestWithoutDb0Constant(String)} of a standalone node holding the same data (DB 0 only)
     * equals.
     */
    public String digestWithoutDb0Constant() {
        byte[] acc = new byte[20];
        for (RedisServer m : masters()) {
            byte[] d = HexFormat.of().parseHex(digestWithoutDb0Constant(m.digest()));
            for (int i = 0; i < 20; i++) acc[i] ^= d[i];
        }
        return HexFormat.of().formatHex(acc);
    }

    /**
     * A node's digest without the DB 0 term. Redis's computeDatasetDigest (debug.c) starts from 20 zero bytes and,
     * for each non-empty DB, first mixes the DB id into the running digest ({@code mixDigest(final, htonl(db))}:
     * XOR with SHA1 of the 4 bytes, then SHA1 of the 20 bytes), then XORs in each key's digest. With DB 0 the
     * only non-empty DB, the digest is therefore {@code SHA1(SHA1(00000000))} XOR the key digests; an empty node
     * answers 40 zeros, which stays as it is.
     */
    public static String digestWithoutDb0Constant(String hex) {
        byte[] d = HexFormat.of().parseHex(hex);
        boolean empty = true;
        for (byte b : d) if (b != 0) empty = false;
        if (!empty) {
            byte[] c = DB0_CONSTANT;
            for (int i = 0; i < 20; i++) d[i] ^= c[i];
        }
        return HexFormat.of().formatHex(d);
    }

    static final byte[] DB0_CONSTANT = db0Constant();

    private static byte[] db0Constant() {
        try {
            byte[] running = new byte[20];
            byte[] h = MessageDigest.getInstance("SHA-1").digest(new byte[4]); // htonl(0)
            for (int i = 0; i < 20; i++) running[i] ^= h[i];
            return MessageDigest.getInstance("SHA-1").digest(running);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Key count per master port, for messages. */
    public Map<Integer, Long> dbsizes() {
        Map<Integer, Long> m = new TreeMap<>();
        for (RedisServer s : masters()) m.put(s.port(), s.sync().dbsize());
        return m;
    }

    /** Stops every node (SIGKILL) and removes their directories. */
    @Override
    public void close() {
        for (RedisServer s : all) {
            try {
                s.close();
            } catch (RuntimeException ignored) {
                // closing the rest anyway
            }
        }
    }
}
