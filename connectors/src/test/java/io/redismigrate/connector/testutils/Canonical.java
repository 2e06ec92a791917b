package io.redismigrate.connector.testutils;

import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.resp.RespReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;

/**
 * A key's content in a form that does not depend on the server version or encoding: type, then the elements
 * (strings, lists, zsets with scores and streams in order; sets and hashes sorted), for streams also the last ID and
 * each group's last-delivered ID, consumers (name, pending count) and pending entries (ID, consumer, delivery count). Binary-safe (Base64).
 */
public final class Canonical {
    private Canonical() {}

    /**
     * Asserts that DB {@code db} holds the same keys with the same canonical values on both servers, and TTLs within
     * 1 s of each other (a key has one on both sides or on neither).
     */
    public static void assertSame(RedisServer a, RedisServer b, int db, String what) throws IOException {
        org.junit.jupiter.api.Assertions.assertEquals(db(a, db), db(b, db), what + ", db " + db);
        TreeMap<String, Long> ta = ttls(a, db);
        TreeMap<String, Long> tb = ttls(b, db);
        org.junit.jupiter.api.Assertions.assertEquals(ta.keySet(), tb.keySet(), what + ", db " + db + ": keys with a TTL");
        for (String k : ta.keySet()) {
            org.junit.jupiter.api.Assertions.assertTrue(Math.abs(ta.get(k) - tb.get(k)) <= 1000,
                    what + ", db " + db + ": TTL of " + k + " " + ta.get(k) + " vs " + tb.get(k) + " ms");
        }
    }

    /** Keys of {@code db} that have a TTL → PTTL in ms. */
    public static TreeMap<String, Long> ttls(RedisServer server, int db) throws IOException {
        TreeMap<String, Long> out = new TreeMap<>();
        try (RedisConnection c = RedisConnection.open(RedisEndpoint.parse(server.uri()), "test", 5000)) {
            c.call("SELECT", String.valueOf(db));
            for (Object k : (List<?>) c.call("KEYS", "*")) {
                long pttl = ((Number) c.call("PTTL".getBytes(), (byte[]) k)).longValue();
                if (pttl > 0) out.put(b64((byte[]) k), pttl);
            }
        }
        return out;
    }

    /** Every key of {@code db} on {@code server} → its canonical form (without TTL: see {@link #ttls}). */
    public static TreeMap<String, String> db(RedisServer server, int db) throws IOException {
        TreeMap<String, String> out = new TreeMap<>();
        try (RedisConnection c = RedisConnection.open(RedisEndpoint.parse(server.uri()), "test", 5000)) {
            c.call("SELECT", String.valueOf(db));
            List<byte[]> keys = new ArrayList<>();
            for (Object k : (List<?>) c.call("KEYS", "*")) keys.add((byte[]) k);
            for (byte[] k : keys) out.put(b64(k), of(c, k));
        }
        return out;
    }

    static String of(RedisConnection c, byte[] k) throws IOException {
        String type = RespReader.text(c.call("TYPE".getBytes(), k));
        StringBuilder sb = new StringBuilder(type).append(':');
        switch (type) {
            case "string" -> sb.append(b64((byte[]) c.call("GET".getBytes(), k)));
            case "list" -> join(sb, (List<?>) c.call("LRANGE".getBytes(), k, b("0"), b("-1")), false);
            case "set" -> join(sb, (List<?>) c.call("SMEMBERS".getBytes(), k), true);
            case "zset" -> {
                // scores as numbers: servers before 7.0 print 17 significant digits, newer ones the shortest form
                List<?> flat = (List<?>) c.call("ZRANGE".getBytes(), k, b("0"), b("-1"), b("WITHSCORES"));
                for (int i = 0; i < flat.size(); i += 2) {
                    sb.append(b64((byte[]) flat.get(i))).append('=').append(score(text(flat.get(i + 1)))).append(',');
                }
            }
            case "hash" -> {
                List<?> flat = (List<?>) c.call("HGETALL".getBytes(), k);
                List<String> pairs = new ArrayList<>();
                for (int i = 0; i < flat.size(); i += 2) pairs.add(b64((byte[]) flat.get(i)) + "=" + b64((byte[]) flat.get(i + 1)));
                pairs.sort(null);
                sb.append(pairs);
            }
            case "stream" -> {
                sb.append(text(c.call("XRANGE".getBytes(), k, b("-"), b("+"))));
                List<?> info = (List<?>) c.call("XINFO".getBytes(), b("STREAM"), k);
                for (int i = 0; i < info.size(); i += 2) {
                    if ("last-generated-id".equals(RespReader.text(info.get(i)))) sb.append(" last=").append(text(info.get(i + 1)));
                }
                for (Object g : (List<?>) c.call("XINFO".getBytes(), b("GROUPS"), k)) {
                    List<?> group = (List<?>) g;
                    String name = null;
                    String last = null;
                    for (int i = 0; i < group.size(); i += 2) {
                        String f = RespReader.text(group.get(i));
                        if (f.equals("name")) name = text(group.get(i + 1));
                        if (f.equals("last-delivered-id")) last = text(group.get(i + 1));
                    }
                    sb.append(" group ").append(name).append(" last=").append(last).append(" consumers=");
                    List<String> consumers = new ArrayList<>();
                    for (Object co : (List<?>) c.call("XINFO".getBytes(), b("CONSUMERS"), k, b(name))) {
                        List<?> fields = (List<?>) co;
                        String cn = null;
                        String pending = null;
                        for (int i = 0; i < fields.size(); i += 2) {
                            String f = RespReader.text(fields.get(i));
                            if (f.equals("name")) cn = text(fields.get(i + 1));
                            if (f.equals("pending")) pending = text(fields.get(i + 1));
                        }
                        consumers.add(cn + "/" + pending);
                    }
                    consumers.sort(null);
                    sb.append(consumers).append(" pel=");
                    List<?> pel = (List<?>) c.call("XPENDING".getBytes(), k, b(name), b("-"), b("+"), b("100000"));
                    for (Object e : pel) {
                        List<?> entry = (List<?>) e;
                        sb.append(text(entry.get(0))).append('@').append(text(entry.get(1))).append('#').append(text(entry.get(3))).append(',');
                    }
                }
            }
            default -> sb.append("?");
        }
        return sb.toString();
    }

    private static double score(String s) {
        return switch (s) {
            case "inf", "+inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    private static void join(StringBuilder sb, List<?> items, boolean sort) {
        List<String> s = new ArrayList<>();
        for (Object o : items) s.add(b64((byte[]) o));
        if (sort) s.sort(null);
        sb.append(s);
    }

    private static String text(Object o) {
        if (o instanceof byte[] bytes) return new String(bytes, StandardCharsets.ISO_8859_1);
        if (o instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (Object e : l) sb.append(text(e)).append(' ');
            return sb.append(']').toString();
        }
        return String.valueOf(o);
    }

    private static String b64(byte[] b) {
        return b == null ? "null" : Base64.getEncoder().encodeToString(b);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
