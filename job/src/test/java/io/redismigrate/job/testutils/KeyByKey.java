package io.redismigrate.job.testutils;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.redismigrate.connector.testutils.RedisServer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An equality check of source and target that does not share code with the product's {@code verify} (so a bug
 * there cannot hide a divergence), for servers of different versions: every DB, every key (binary, read with
 * Lettuce's byte codec) with its TYPE, a canonical form of its value (strings as bytes; lists, sorted sets and
 * stream entries in order; sets and hashes sorted; scores as numbers, since servers format doubles differently),
 * its PTTL within 1 s; for streams the length, last generated ID, and per consumer group the last-delivered ID, the
 * pending count, the consumers with their pending counts, and the pending entries (ID, consumer, delivery count);
 * hash field TTLs (HPEXPIRETIME, within 1 s) where both sides have them, and the function libraries (name and
 * code) where both have functions. The tool's own keys ({@code __redis_migrate:…}) are left out. Fails with the
 * first differences found.
 */
public final class KeyByKey {
    private static final String TOOL_PREFIX = "__redis_migrate:";
    private static final int MAX_SHOWN = 20;

    private final Side source;
    private final Side target;
    private final List<String> differences = new ArrayList<>();
    private long keys;

    private KeyByKey(Side source, Side target) {
        this.source = source;
        this.target = target;
    }

    /**
     * A server with a connection of its own: byte codec and RESP2 (flat replies, the same shape from every
     * version), so the check shares neither state nor reply decoding with the test's other connections.
     */
    private record Side(RedisServer server, RedisClient client, StatefulRedisConnection<byte[], byte[]> connection)
            implements AutoCloseable {
        static Side open(RedisServer server) {
            RedisURI.Builder uri = RedisURI.builder().withHost("127.0.0.1").withPort(server.port()).withTimeout(Duration.ofSeconds(60));
            if (server.clientPassword() != null) uri.withPassword(server.clientPassword().toCharArray());
            RedisClient client = RedisClient.create(uri.build());
            client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).build());
            return new Side(server, client, client.connect(ByteArrayCodec.INSTANCE));
        }

        RedisCommands<byte[], byte[]> binary() {
            return connection.sync();
        }

        RedisAsyncCommands<byte[], byte[]> async() {
            return connection.async();
        }

        io.redismigrate.connector.testutils.ServerVersion serverVersion() {
            return server.serverVersion();
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    /** Asserts that {@code target} holds what {@code source} holds, key by key; returns the number of keys compared. */
    public static long assertSameData(RedisServer source, RedisServer target) {
        KeyByKey k;
        try (Side s = Side.open(source); Side t = Side.open(target)) {
            k = new KeyByKey(s, t);
            k.compare();
        }
        if (!k.differences.isEmpty()) {
            throw new AssertionError("target differs from source (" + k.differences.size() + " differences"
                    + (k.differences.size() > MAX_SHOWN ? ", first " + MAX_SHOWN + " shown" : "") + "; "
                    + k.keys + " source keys compared):\n  " + String.join("\n  ", k.differences.subList(0,
                    Math.min(MAX_SHOWN, k.differences.size()))));
        }
        return k.keys;
    }

    private void differ(String what) {
        differences.add(what);
    }

    private void compare() {
        RedisCommands<byte[], byte[]> s = source.binary();
        RedisCommands<byte[], byte[]> t = target.binary();
        int dbs = Math.max(databases(this.source), databases(this.target));
        boolean fieldTtls = source.serverVersion().hashFieldTtl() && target.serverVersion().hashFieldTtl();
        int sourceDbs = databases(this.source);
        int targetDbs = databases(this.target);
        for (int db = 0; db < dbs; db++) {
            boolean onSource = db < sourceDbs;
            boolean onTarget = db < targetDbs;
            if (onSource) s.select(db);
            if (onTarget) t.select(db);
            TreeSet<String> sourceKeys = onSource ? keys(s) : new TreeSet<>();
            TreeSet<String> targetKeys = onTarget ? keys(t) : new TreeSet<>();
            for (String k : targetKeys) {
                if (!sourceKeys.contains(k)) differ("db" + db + " " + printable(unhex(k)) + ": extra on the target");
            }
            List<byte[]> common = new ArrayList<>();
            for (String k : sourceKeys) {
                keys++;
                if (targetKeys.contains(k)) common.add(unhex(k));
                else differ("db" + db + " " + printable(unhex(k)) + ": missing on the target");
            }
            compareKeys(db, common, fieldTtls);
        }
        s.select(0);
        t.select(0);
        if (source.serverVersion().hasFunctions() && target.serverVersion().hasFunctions()) {
            String sf = libraries(source);
            String tf = libraries(target);
            if (!sf.equals(tf)) differ("function libraries differ" + firstDifference(sf, tf));
        }
    }

    /**
     * Type, value and TTL of keys present on both sides, pipelined (the same commands to both sides, replies
     * compared in order); streams and hash field TTLs one key at a time.
     */
    private void compareKeys(int db, List<byte[]> keys, boolean fieldTtls) {
        List<String> sourceTypes = all(keys.stream().map(k -> source.async().type(k)).toList());
        List<String> targetTypes = all(keys.stream().map(k -> target.async().type(k)).toList());
        List<RedisFuture<List<Object>>> sv = new ArrayList<>();
        List<RedisFuture<List<Object>>> tv = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            byte[][] command = valueCommand(sourceTypes.get(i), keys.get(i));
            sv.add(command == null ? null : callAsync(source, command));
            tv.add(command == null ? null : callAsync(target, command));
        }
        long s0 = System.currentTimeMillis();
        List<Long> sourceTtls = all(keys.stream().map(k -> source.async().pttl(k)).toList());
        long s1 = System.currentTimeMillis();
        List<Long> targetTtls = all(keys.stream().map(k -> target.async().pttl(k)).toList());
        long t1 = System.currentTimeMillis();
        for (int i = 0; i < keys.size(); i++) {
            byte[] key = keys.get(i);
            String where = "db" + db + " " + printable(key) + ": ";
            String type = sourceTypes.get(i);
            if (!type.equals(targetTypes.get(i))) {
                differ(where + "type " + type + " on the source, " + targetTypes.get(i) + " on the target");
                continue;
            }
            String a = sv.get(i) == null ? value(source, key, type) : canonical(type, get(sv.get(i)));
            String b = tv.get(i) == null ? value(target, key, type) : canonical(type, get(tv.get(i)));
            if (!a.equals(b)) differ(where + type + " differs" + firstDifference(a, b));
            compareTtl(where, sourceTtls.get(i), targetTtls.get(i), s0, s1, t1);
            if (fieldTtls && type.equals("hash")) compareFieldTtls(where, key);
        }
    }

    /**
     * PTTL: -1 on both sides, or the same expiry time within 1 s: the source's replies were sent between {@code s0}
     * and {@code s1}, the target's between {@code s1} and {@code t1}, which widens the tolerance.
     */
    private void compareTtl(String where, long sp, long tp, long s0, long s1, long t1) {
        if (sp < 0 || tp < 0) {
            if (sp != tp) differ(where + "PTTL " + sp + " on the source, " + tp + " on the target");
            return;
        }
        long slack = (s1 - s0) + (t1 - s1);
        if (Math.abs((s0 + sp) - (s1 + tp)) > 1000 + slack) {
            differ(where + "expires at " + (s0 + sp) + " on the source (PTTL " + sp + "), " + (s1 + tp)
                    + " on the target (PTTL " + tp + "), tolerance " + (1000 + slack) + " ms");
        }
    }

    /** The command that reads a value of {@code type} whole, or null for types read by {@link #value}. */
    private static byte[][] valueCommand(String type, byte[] key) {
        return switch (type) {
            case "string" -> new byte[][] {bytes("GET"), key};
            case "list" -> new byte[][] {bytes("LRANGE"), key, bytes("0"), bytes("-1")};
            case "set" -> new byte[][] {bytes("SMEMBERS"), key};
            case "zset" -> new byte[][] {bytes("ZRANGE"), key, bytes("0"), bytes("-1"), bytes("WITHSCORES")};
            case "hash" -> new byte[][] {bytes("HGETALL"), key};
            default -> null;
        };
    }

    /** The canonical form of the reply of {@link #valueCommand}. */
    private static String canonical(String type, List<Object> reply) {
        switch (type) {
            case "string":
                return printable((byte[]) reply.get(0));
            case "list":
                return render(reply);
            case "set": {
                List<String> m = new ArrayList<>();
                for (Object e : reply) m.add(printable((byte[]) e));
                m.sort(null);
                return m.toString();
            }
            case "zset": {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i + 1 < reply.size(); i += 2) {
                    sb.append(printable((byte[]) reply.get(i))).append('=').append(score((byte[]) reply.get(i + 1))).append(", ");
                }
                return sb.append(']').toString();
            }
            case "hash": {
                Map<String, String> m = new TreeMap<>();
                for (int i = 0; i + 1 < reply.size(); i += 2) m.put(printable((byte[]) reply.get(i)), printable((byte[]) reply.get(i + 1)));
                return m.toString();
            }
            default:
                throw new IllegalArgumentException(type);
        }
    }

    private static <T> List<T> all(List<RedisFuture<T>> futures) {
        List<T> out = new ArrayList<>(futures.size());
        for (RedisFuture<T> f : futures) out.add(get(f));
        return out;
    }

    private static <T> T get(RedisFuture<T> f) {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static RedisFuture<List<Object>> callAsync(Side server, byte[][] command) {
        CommandArgs<byte[], byte[]> a = new CommandArgs<>(ByteArrayCodec.INSTANCE);
        for (int i = 1; i < command.length; i++) a.add(command[i]);
        return server.async().dispatch(new Keyword(new String(command[0], StandardCharsets.US_ASCII)),
                new NestedMultiOutput<>(ByteArrayCodec.INSTANCE), a);
    }

    private static int databases(Side s) {
        List<Object> reply = call(s, "CONFIG", bytes("GET"), bytes("databases"));
        return Integer.parseInt(new String((byte[]) reply.get(1), StandardCharsets.US_ASCII));
    }

    /** The DB's keys (hex, so binary keys sort and print unambiguously), without the tool's own keys. */
    private static TreeSet<String> keys(RedisCommands<byte[], byte[]> c) {
        TreeSet<String> out = new TreeSet<>();
        for (byte[] k : c.keys("*")) {
            if (!new String(k, StandardCharsets.ISO_8859_1).startsWith(TOOL_PREFIX)) out.add(hex(k));
        }
        return out;
    }

    private void compareFieldTtls(String where, byte[] key) {
        List<byte[]> fields = source.binary().hkeys(key);
        if (fields.isEmpty()) return;
        List<byte[]> args = new ArrayList<>(List.of(key, bytes("FIELDS"), bytes(String.valueOf(fields.size()))));
        args.addAll(fields);
        List<Object> s = call(source, "HPEXPIRETIME", args.toArray(new byte[0][]));
        List<Object> t = call(target, "HPEXPIRETIME", args.toArray(new byte[0][]));
        for (int i = 0; i < fields.size(); i++) {
            long a = ((Number) s.get(i)).longValue();
            long b = ((Number) t.get(i)).longValue();
            if (!(a == b || (a > 0 && b > 0 && Math.abs(a - b) <= 1000))) {
                differ(where + "field " + printable(fields.get(i)) + " HPEXPIRETIME " + a + " on the source, " + b + " on the target");
            }
        }
    }

    /** The canonical form of a value {@link #valueCommand} does not read: a stream, or a module type's DUMP. */
    private static String value(Side server, byte[] key, String type) {
        if (type.equals("stream")) return stream(server, key);
        return "(type " + type + ": DUMP " + printable(server.binary().dump(key)) + ")";
    }

    /** Entries, length, last generated ID, and the consumer groups with their consumers and pending entries. */
    private static String stream(Side server, byte[] key) {
        StringBuilder sb = new StringBuilder();
        sb.append("entries ").append(render(call(server, "XRANGE", key, bytes("-"), bytes("+"))));
        Map<String, Object> info = map(call(server, "XINFO", bytes("STREAM"), key));
        sb.append("; length ").append(info.get("length")).append("; last-generated-id ")
                .append(printable((byte[]) info.get("last-generated-id")));
        List<String> groups = new ArrayList<>();
        for (Object g : call(server, "XINFO", bytes("GROUPS"), key)) {
            Map<String, Object> gm = map((List<?>) g);
            byte[] name = (byte[]) gm.get("name");
            StringBuilder gs = new StringBuilder("group ").append(printable(name))
                    .append(" last-delivered-id ").append(printable((byte[]) gm.get("last-delivered-id")))
                    .append(" pending ").append(gm.get("pending"));
            List<String> consumers = new ArrayList<>();
            for (Object c : call(server, "XINFO", bytes("CONSUMERS"), key, name)) {
                Map<String, Object> cm = map((List<?>) c);
                consumers.add(printable((byte[]) cm.get("name")) + "/pending " + cm.get("pending"));
            }
            consumers.sort(null);
            gs.append(" consumers ").append(consumers);
            List<String> pending = new ArrayList<>();
            for (Object e : call(server, "XPENDING", key, name, bytes("-"), bytes("+"), bytes("1000000"))) {
                List<?> entry = (List<?>) e;
                pending.add(printable((byte[]) entry.get(0)) + "/" + printable((byte[]) entry.get(1)) + "/deliveries " + entry.get(3));
            }
            gs.append(" pending entries ").append(pending);
            groups.add(gs.toString());
        }
        groups.sort(null);
        return sb.append("; ").append(groups).toString();
    }

    /** FUNCTION LIST WITHCODE as name → code, sorted by name (the other fields are derived from the code). */
    private static String libraries(Side server) {
        Map<String, String> out = new TreeMap<>();
        for (Object lib : call(server, "FUNCTION", bytes("LIST"), bytes("WITHCODE"))) {
            Map<String, Object> m = map((List<?>) lib);
            out.put(printable((byte[]) m.get("library_name")), printable((byte[]) m.get("library_code")));
        }
        return out.toString();
    }

    /** A flat RESP2 map reply (name, value, name, value…) with its names as strings. */
    private static Map<String, Object> map(List<?> flat) {
        Map<String, Object> m = new TreeMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            Object k = flat.get(i);
            m.put(k instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(k), flat.get(i + 1));
        }
        return m;
    }

    /** A score as a number: servers format the same double differently (%.17g before Redis 7.2, shortest after). */
    private static String score(byte[] b) {
        String s = new String(b, StandardCharsets.US_ASCII).toLowerCase();
        if (s.equals("inf") || s.equals("+inf")) return "Infinity";
        if (s.equals("-inf")) return "-Infinity";
        return Double.toString(Double.parseDouble(s));
    }

    private static String render(Object o) {
        if (o == null) return "nil";
        if (o instanceof byte[] b) return printable(b);
        if (o instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(", ");
                sb.append(render(l.get(i)));
            }
            return sb.append(']').toString();
        }
        return "#" + o;
    }

    /** Bytes as text: printable ASCII as is (and backslash doubled), the rest as \xNN. */
    static String printable(byte[] b) {
        if (b == null) return "nil";
        StringBuilder sb = new StringBuilder("\"");
        for (byte x : b) {
            int c = x & 0xff;
            if (c == '\\') sb.append("\\\\");
            else if (c >= 0x20 && c < 0x7f) sb.append((char) c);
            else sb.append(String.format("\\x%02x", c));
        }
        return sb.append('"').toString();
    }

    /** Both canonical forms around the first character where they differ (all of them when short). */
    static String firstDifference(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) i++;
        int from = Math.max(0, i - 200);
        return (from == 0 ? ":" : " at character " + i + ":") + "\n    source " + window(a, from) + "\n    target " + window(b, from);
    }

    private static String window(String s, int from) {
        int to = Math.min(s.length(), from + 600);
        return (from > 0 ? "…" : "") + s.substring(Math.min(from, s.length()), to) + (to < s.length() ? "… (" + s.length() + " chars)" : "");
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x & 0xff));
        return sb.toString();
    }

    private static byte[] unhex(String h) {
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Any command on the server's binary connection; bulk strings come back as byte[], integers as Long. */
    static List<Object> call(Side server, String command, byte[]... args) {
        CommandArgs<byte[], byte[]> a = new CommandArgs<>(ByteArrayCodec.INSTANCE);
        for (byte[] x : args) a.add(x);
        return server.binary().dispatch(new Keyword(command), new NestedMultiOutput<>(ByteArrayCodec.INSTANCE), a);
    }

    private record Keyword(String name) implements ProtocolKeyword {
        @Override
        public byte[] getBytes() {
            return name.getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
