package io.redismigrate.job.verify;

import io.redismigrate.connector.event.Slots;
import io.redismigrate.connector.resp.ClusterTopology;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.resp.RespProtocolException;
import io.redismigrate.job.Keyspace;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One side of a verify, source or target: a standalone node, or every master of a Redis Cluster. Keys are scanned
 * on every node and inspected on the node that owns their slot, so a comparison does not depend on how either side
 * spreads its keys. A cluster has DB 0 only.
 */
final class Side implements Closeable {
    private static final int SCAN_COUNT = 500;

    private final String role;
    /** Standalone: the node; cluster: every master serving slots. */
    private final List<RedisConnection> nodes;
    /** Cluster: slot → connection of the master serving it (null where none does); standalone: null. */
    private final RedisConnection[] owners;

    private Side(String role, List<RedisConnection> nodes, RedisConnection[] owners) {
        this.role = role;
        this.nodes = List.copyOf(nodes);
        this.owners = owners;
    }

    /** Connects to {@code seed}; when it is a cluster node, to every master of its cluster instead. */
    static Side open(RedisEndpoint seed, String role, int readTimeoutMs) throws IOException {
        List<RedisConnection> opened = new ArrayList<>();
        try {
            RedisConnection first = connect(seed, role, readTimeoutMs, opened);
            if (!ClusterTopology.isCluster(first)) return new Side(role, opened, null);
            List<ClusterTopology.Shard> shards = ClusterTopology.read(first).shards();
            if (shards.isEmpty()) {
                throw new IOException(role + " " + seed + " is a cluster node, but no master serves any slot;"
                        + " fix the cluster (CLUSTER SHARDS) before verifying");
            }
            opened.remove(first);
            first.close();
            RedisConnection[] owners = new RedisConnection[Slots.SLOT_COUNT];
            for (ClusterTopology.Shard shard : shards) {
                RedisConnection master = connect(shard.master(), role, readTimeoutMs, opened);
                for (int[] range : shard.slotRanges()) {
                    for (int slot = range[0]; slot <= range[1]; slot++) owners[slot] = master;
                }
            }
            return new Side(role, opened, owners);
        } catch (IOException | RuntimeException e) {
            for (RedisConnection c : opened) closeQuietly(c);
            throw e;
        }
    }

    private static RedisConnection connect(RedisEndpoint endpoint, String role, int readTimeoutMs,
                                           List<RedisConnection> opened) throws IOException {
        RedisConnection c = RedisConnection.open(endpoint, role, RedisConnection.DEFAULT_CONNECT_TIMEOUT_MS);
        opened.add(c);
        c.setReadTimeout(readTimeoutMs);
        return c;
    }

    boolean cluster() {
        return owners != null;
    }

    /** The standalone node, or the cluster's masters. */
    List<RedisConnection> nodes() {
        return nodes;
    }

    /** Whether DB {@code db} can hold keys here: any DB of a standalone node, DB 0 only on a cluster. */
    boolean hasDb(int db) {
        return !cluster() || db == 0;
    }

    /**
     * How many DBs to consider when no --db is given: 1 on a cluster; on a standalone node its {@code databases}
     * setting, but at least the default 16 (it is -1 when CONFIG GET is refused).
     */
    int dbCount() throws IOException {
        return cluster() ? 1 : Math.max(Keyspace.databases(nodes.get(0)), 16);
    }

    /** DB → key count over all nodes, for the DBs that hold keys. */
    Map<Integer, Long> keyCounts() throws IOException {
        Map<Integer, Long> counts = new TreeMap<>();
        for (RedisConnection c : nodes) {
            for (Map.Entry<Integer, Long> e : Keyspace.keyCounts(c).entrySet()) counts.merge(e.getKey(), e.getValue(), Long::sum);
        }
        return counts;
    }

    /** Makes {@code db} the DB that {@link #scan}, {@link #inspect}, {@link #exists} and {@link #nodeFor} use. */
    void select(int db) throws IOException {
        if (cluster()) {
            if (db != 0) throw new IllegalStateException(role + " is a cluster, which has DB 0 only (asked for db" + db + ")");
            return;
        }
        RedisConnection c = nodes.get(0);
        Object r = c.call("SELECT", String.valueOf(db));
        if (r instanceof RespError) {
            throw new IOException(c.role() + " " + c.endpoint() + " refused SELECT " + db + ": " + r);
        }
    }

    interface BatchHandler {
        void handle(List<byte[]> keys) throws IOException;
    }

    /**
     * SCANs the selected DB of every node, handing the keys that pass {@code wanted} to {@code handler} batch by
     * batch. On a cluster, keys a master holds in slots it does not serve (left over from an interrupted slot
     * migration) are skipped: clients cannot reach them there.
     */
    void scan(Predicate<byte[]> wanted, BatchHandler handler) throws IOException {
        for (RedisConnection c : nodes) {
            byte[] cursor = bytes("0");
            do {
                List<?> reply = list(c, c.call(bytes("SCAN"), cursor, bytes("COUNT"), bytes(String.valueOf(SCAN_COUNT))), "SCAN");
                cursor = (byte[]) reply.get(0);
                List<byte[]> keys = new ArrayList<>();
                for (Object k : (List<?>) reply.get(1)) {
                    byte[] key = (byte[]) k;
                    if (wanted.test(key) && (!cluster() || owners[Slots.slot(key)] == c)) keys.add(key);
                }
                if (!keys.isEmpty()) handler.handle(keys);
            } while (!(cursor.length == 1 && cursor[0] == '0'));
        }
    }

    /**
     * TYPE, PTTL and (with {@code digest}) DEBUG DIGEST-VALUE of every key, pipelined on the node owning each key;
     * one {@code Object[]} of replies per key, in the order of {@code keys}.
     */
    List<Object[]> inspect(List<byte[]> keys, boolean digest) throws IOException {
        Map<RedisConnection, List<Integer>> groups = byNode(keys);
        for (Map.Entry<RedisConnection, List<Integer>> g : groups.entrySet()) {
            RedisConnection c = g.getKey();
            for (int i : g.getValue()) {
                c.writer().command(bytes("TYPE"), keys.get(i));
                c.writer().command(bytes("PTTL"), keys.get(i));
                if (digest) c.writer().command(bytes("DEBUG"), bytes("DIGEST-VALUE"), keys.get(i));
            }
            c.writer().flush();
        }
        Object[][] out = new Object[keys.size()][];
        IOException error = null;
        for (Map.Entry<RedisConnection, List<Integer>> g : groups.entrySet()) {
            RedisConnection c = g.getKey();
            for (int i : g.getValue()) {
                Object[] r = new Object[digest ? 3 : 2];
                for (int j = 0; j < r.length; j++) {
                    r[j] = c.reader().read();
                    if (r[j] instanceof RespError && error == null) error = refused(c, (RespError) r[j]);
                }
                out[i] = r;
            }
        }
        if (error != null) throw error;
        return List.of(out);
    }

    /** EXISTS of every key in the selected DB, pipelined on the node owning each key. */
    boolean[] exists(List<byte[]> keys) throws IOException {
        Map<RedisConnection, List<Integer>> groups = byNode(keys);
        for (Map.Entry<RedisConnection, List<Integer>> g : groups.entrySet()) {
            for (int i : g.getValue()) g.getKey().writer().command(bytes("EXISTS"), keys.get(i));
            g.getKey().writer().flush();
        }
        boolean[] found = new boolean[keys.size()];
        IOException error = null;
        for (Map.Entry<RedisConnection, List<Integer>> g : groups.entrySet()) {
            for (int i : g.getValue()) {
                Object r = g.getKey().reader().read();
                if (r instanceof RespError && error == null) error = refused(g.getKey(), (RespError) r);
                found[i] = r instanceof Long && (Long) r > 0;
            }
        }
        if (error != null) throw error;
        return found;
    }

    /** The node holding {@code key}: the standalone node, or the master serving the key's slot. */
    RedisConnection nodeFor(byte[] key) throws IOException {
        if (!cluster()) return nodes.get(0);
        int slot = Slots.slot(key);
        RedisConnection c = owners[slot];
        if (c == null) {
            throw new IOException(role + " cluster: no master serves slot " + slot + "; fix the cluster (CLUSTER SHARDS)"
                    + " before verifying");
        }
        return c;
    }

    /** Indexes of {@code keys} grouped by the node owning them, nodes in order of first appearance. */
    private Map<RedisConnection, List<Integer>> byNode(List<byte[]> keys) throws IOException {
        Map<RedisConnection, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) groups.computeIfAbsent(nodeFor(keys.get(i)), c -> new ArrayList<>()).add(i);
        return groups;
    }

    private static IOException refused(RedisConnection c, RespError e) {
        String code = e.code();
        String hint = "MOVED".equals(code) || "ASK".equals(code) || "TRYAGAIN".equals(code)
                ? "; slots moved during verify: run it again once the cluster is stable" : "";
        return new IOException(c.role() + " " + c.endpoint() + " refused a command during verify: " + e + hint);
    }

    static List<?> list(RedisConnection c, Object reply, String command) throws IOException {
        if (reply instanceof RespError) {
            throw new IOException(c.role() + " " + c.endpoint() + " refused " + command + ": " + reply);
        }
        if (!(reply instanceof List)) {
            throw new RespProtocolException(command + " returned " + reply + " instead of an array");
        }
        return (List<?>) reply;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        for (RedisConnection c : nodes) closeQuietly(c);
    }

    private static void closeQuietly(RedisConnection c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing the others anyway
        }
    }
}
