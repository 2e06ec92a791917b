package io.redismigrate.connector.resp;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The shards of a Redis Cluster as one node sees them: for each shard the master, its healthy replicas and its
 * slot ranges. Read with {@code CLUSTER SHARDS} (Redis ≥ 7.0) or by parsing {@code CLUSTER NODES} (older).
 * Endpoints keep the credentials and TLS setting of the URI the topology was discovered from.
 */
public final class ClusterTopology implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * One shard: a master, its replicas (healthy ones first, then those still loading or never written to; each
     * group by address), and the slot ranges it serves ({@code {from, to}} inclusive, sorted).
     */
    public record Shard(RedisEndpoint master, String masterId, List<RedisEndpoint> replicas, List<int[]> slotRanges)
            implements Serializable {
        public Shard {
            replicas = List.copyOf(replicas);
            slotRanges = List.copyOf(slotRanges);
        }

        public int firstSlot() {
            return slotRanges.isEmpty() ? Integer.MAX_VALUE : slotRanges.get(0)[0];
        }

        public boolean owns(int slot) {
            for (int[] r : slotRanges) if (slot >= r[0] && slot <= r[1]) return true;
            return false;
        }

        /** Slot ranges as {@code 0-5460,5462-5470}. */
        public String slotsText() {
            return rangesText(slotRanges);
        }

        public int slotCount() {
            int n = 0;
            for (int[] r : slotRanges) n += r[1] - r[0] + 1;
            return n;
        }
    }

    private static final Comparator<RedisEndpoint> BY_ADDRESS = Comparator.comparing(RedisEndpoint::toString);
    private final List<Shard> shards;

    public ClusterTopology(List<Shard> shards) {
        List<Shard> s = new ArrayList<>(shards);
        s.sort(Comparator.comparingInt(Shard::firstSlot));
        this.shards = List.copyOf(s);
    }

    /** Shards that serve slots, ordered by their first slot. */
    public List<Shard> shards() {
        return shards;
    }

    /** The shard serving {@code slot}, or null when no shard serves it (yet). */
    public Shard shardForSlot(int slot) {
        for (Shard s : shards) if (s.owns(slot)) return s;
        return null;
    }

    /** Whether the node runs in cluster mode ({@code INFO cluster}: {@code cluster_enabled:1}). */
    public static boolean isCluster(RedisConnection c) throws IOException {
        return "1".equals(c.info("cluster").getOrDefault("cluster_enabled", "0").trim());
    }

    /**
     * Connects to {@code seed} and reads the topology. {@code role} ("source", "target") names the node in messages.
     */
    public static ClusterTopology discover(RedisEndpoint seed, String role, int timeoutMs) throws IOException {
        try (RedisConnection c = RedisConnection.open(seed, role, timeoutMs)) {
            return read(c);
        }
    }

    /**
     * The first topology any of {@code seeds} answers with; throws the last failure when none answers. Used to find
     * a shard's current master after a failover, when the node last known may be gone.
     */
    public static ClusterTopology discoverAny(List<RedisEndpoint> seeds, String role, int timeoutMs) throws IOException {
        IOException last = null;
        for (RedisEndpoint seed : seeds) {
            try {
                ClusterTopology t = discover(seed, role, timeoutMs);
                if (!t.shards().isEmpty()) return t;
            } catch (IOException e) {
                last = e;
            }
        }
        throw last != null ? last : new IOException(role + ": no cluster node answered with a topology");
    }

    /** Reads the topology through an open connection to a cluster node. */
    public static ClusterTopology read(RedisConnection c) throws IOException {
        String version = c.info("server").getOrDefault("redis_version", "0.0.0");
        if (RedisVersions.atLeast(version, 7, 0)) {
            Object reply = c.call("CLUSTER", "SHARDS");
            if (!(reply instanceof RespError)) return fromShards(reply, c.endpoint());
        }
        Object reply = c.call("CLUSTER", "NODES");
        if (reply instanceof RespError) {
            throw new RedisAccessException(c.role() + " " + c.endpoint() + " refused CLUSTER NODES ("
                    + ((RespError) reply).message() + "); the user needs the CLUSTER command");
        }
        return fromNodes(RespReader.text(reply), c.endpoint());
    }

    /** Parses a {@code CLUSTER SHARDS} reply (RESP2: flat key/value arrays). */
    static ClusterTopology fromShards(Object reply, RedisEndpoint seed) {
        List<Shard> shards = new ArrayList<>();
        for (Object s : (List<?>) reply) {
            Map<String, Object> shard = map(s);
            List<int[]> ranges = new ArrayList<>();
            List<?> slots = (List<?>) shard.get("slots");
            for (int i = 0; slots != null && i + 1 < slots.size(); i += 2) {
                ranges.add(new int[] {num(slots.get(i)), num(slots.get(i + 1))});
            }
            if (ranges.isEmpty()) continue;
            RedisEndpoint master = null;
            String masterId = null;
            List<RedisEndpoint> replicas = new ArrayList<>();
            List<RedisEndpoint> loading = new ArrayList<>();
            for (Object n : (List<?>) shard.get("nodes")) {
                Map<String, Object> node = map(n);
                String health = text(node.get("health"));
                String host = text(node.get("endpoint"));
                if (host == null || host.isEmpty() || "?".equals(host)) host = text(node.get("ip"));
                Object portValue = seed.tls() && node.get("tls-port") != null ? node.get("tls-port") : node.get("port");
                if (portValue == null || host == null) continue;
                RedisEndpoint e = seed.withAddress(host, num(portValue));
                if ("master".equals(text(node.get("role")))) {
                    if (!"fail".equals(health)) {
                        master = e;
                        masterId = text(node.get("id"));
                    }
                } else if ("online".equals(health)) {
                    replicas.add(e);
                } else if (!"fail".equals(health)) {
                    // "loading" also means "offset 0 gossiped": the replica of a master never written to
                    loading.add(e);
                }
            }
            replicas.sort(BY_ADDRESS);
            loading.sort(BY_ADDRESS);
            replicas.addAll(loading);
            if (master != null) shards.add(new Shard(master, masterId, replicas, sorted(ranges)));
        }
        return new ClusterTopology(shards);
    }

    /** Parses {@code CLUSTER NODES} (Redis 3.0 – 6.2, or when CLUSTER SHARDS is refused). */
    static ClusterTopology fromNodes(String text, RedisEndpoint seed) {
        record Node(String id, String flags, String master, RedisEndpoint endpoint, List<int[]> slots) { }
        List<Node> nodes = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8) continue;
            String addr = f[1];
            int at = addr.indexOf('@');
            if (at >= 0) addr = addr.substring(0, at);
            int comma = addr.indexOf(',');
            if (comma >= 0) addr = addr.substring(0, comma);
            int colon = addr.lastIndexOf(':');
            if (colon <= 0) continue; // a node whose address is not known yet
            RedisEndpoint e = seed.withAddress(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1)));
            List<int[]> slots = new ArrayList<>();
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) continue; // a slot being migrated or imported
                String[] r = f[i].split("-");
                int from = Integer.parseInt(r[0]);
                slots.add(new int[] {from, r.length > 1 ? Integer.parseInt(r[1]) : from});
            }
            nodes.add(new Node(f[0], f[2], f[3], e, slots));
        }
        List<Shard> shards = new ArrayList<>();
        for (Node n : nodes) {
            if (!hasFlag(n.flags, "master") || hasFlag(n.flags, "fail") || n.slots.isEmpty()) continue;
            List<RedisEndpoint> replicas = new ArrayList<>();
            for (Node r : nodes) {
                if (hasFlag(r.flags, "slave") && n.id.equals(r.master) && !hasFlag(r.flags, "fail")
                        && !hasFlag(r.flags, "fail?")) {
                    replicas.add(r.endpoint);
                }
            }
            replicas.sort(BY_ADDRESS);
            shards.add(new Shard(n.endpoint, n.id, replicas, sorted(n.slots)));
        }
        return new ClusterTopology(shards);
    }

    private static boolean hasFlag(String flags, String flag) {
        for (String f : flags.split(",")) if (f.equals(flag)) return true;
        return false;
    }

    private static List<int[]> sorted(List<int[]> ranges) {
        List<int[]> s = new ArrayList<>(ranges);
        s.sort(Comparator.comparingInt(r -> r[0]));
        return s;
    }

    /** Ranges as {@code 0-5460,5462}; parsed back by {@link #parseRanges}. */
    public static String rangesText(List<int[]> ranges) {
        StringBuilder b = new StringBuilder();
        for (int[] r : ranges) {
            if (b.length() > 0) b.append(',');
            b.append(r[0]);
            if (r[1] != r[0]) b.append('-').append(r[1]);
        }
        return b.toString();
    }

    public static List<int[]> parseRanges(String text) {
        List<int[]> out = new ArrayList<>();
        if (text == null || text.isEmpty()) return out;
        for (String part : text.split(",")) {
            String[] r = part.split("-");
            int from = Integer.parseInt(r[0].trim());
            out.add(new int[] {from, r.length > 1 ? Integer.parseInt(r[1].trim()) : from});
        }
        return out;
    }

    private static Map<String, Object> map(Object flat) {
        Map<String, Object> m = new java.util.HashMap<>();
        List<?> l = (List<?>) flat;
        for (int i = 0; i + 1 < l.size(); i += 2) m.put(RespReader.text(l.get(i)), l.get(i + 1));
        return m;
    }

    private static String text(Object o) {
        return o == null ? null : RespReader.text(o);
    }

    private static int num(Object o) {
        return o instanceof Long ? ((Long) o).intValue() : Integer.parseInt(RespReader.text(o).trim());
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Shard s : shards) {
            if (b.length() > 0) b.append("; ");
            b.append(s.master()).append(" slots ").append(s.slotsText()).append(" replicas ").append(s.replicas());
        }
        return b.toString();
    }
}
