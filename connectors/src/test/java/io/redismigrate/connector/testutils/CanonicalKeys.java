package io.redismigrate.connector.testutils;

import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RespReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One key as servers of any version (Redis 6.0+) describe it: type, canonical value, TTL. Streams include entries,
 * length, last ID and per group the fields every version has (last-delivered-id, pending), consumers with their
 * pending counts and the pending entries (ID, consumer, deliveries); not idle times, entries-read or lag.
 */
/** One key as both servers can describe it: type, canonical value, TTL. */
public record CanonicalKeys(String type, String value, long pttl) {
    public void assertSame(CanonicalKeys other, String what) {
        assertEquals(type, other.type, what + " (type)");
        assertEquals(value, other.value, what + " (value)");
        assertEquals(pttl < 0, other.pttl < 0, what + " (TTL set) " + pttl + " vs " + other.pttl);
        assertTrue(Math.abs(pttl - other.pttl) <= 1000, what + " (TTL) " + pttl + " vs " + other.pttl);
    }

    /** Every key of DBs 0-2, as "db:key". */
    public static Map<String, CanonicalKeys> all(RedisConnection c) throws IOException {
        return all(c, 2);
    }

    /** Every key of DBs 0 to {@code lastDb}, as "db:key". */
    public static Map<String, CanonicalKeys> all(RedisConnection c, int lastDb) throws IOException {
        Map<String, CanonicalKeys> out = new TreeMap<>();
        for (int db = 0; db <= lastDb; db++) {
            c.call("SELECT", Integer.toString(db));
            for (Object k : (List<?>) c.call("KEYS", "*")) {
                String key = RespReader.text(k);
                out.put(db + ":" + key, of(c, key));
            }
        }
        c.call("SELECT", "0");
        return out;
    }

    public static CanonicalKeys of(RedisConnection c, String k) throws IOException {
        String type = RespReader.text(c.call("TYPE", k));
        String value;
        switch (type) {
            case "string": value = text(c.call("GET", k)); break;
            case "list": value = text(c.call("LRANGE", k, "0", "-1")); break;
            case "set": value = sorted(c.call("SMEMBERS", k)); break;
            case "zset": value = text(c.call("ZRANGE", k, "0", "-1", "WITHSCORES")); break;
            case "hash": value = pairs(c.call("HGETALL", k)); break;
            case "stream": value = stream(c, k); break;
            default: value = "?";
        }
        long pttl = (Long) c.call("PTTL", k);
        return new CanonicalKeys(type, value, pttl);
    }

    /** Entries, length, last ID; per group its common XINFO fields, consumers with their pending counts, and XPENDING. */
    private static String stream(RedisConnection c, String k) throws IOException {
        StringBuilder sb = new StringBuilder(text(c.call("XRANGE", k, "-", "+")));
        Map<String, Object> info = fields(c.call("XINFO", "STREAM", k));
        sb.append(" length=").append(text(info.get("length"))).append(" last=").append(text(info.get("last-generated-id")));
        for (Object g : (List<?>) c.call("XINFO", "GROUPS", k)) {
            Map<String, Object> gi = fields(g);
            String name = text(gi.get("name"));
            sb.append(" group ").append(name).append(" last=").append(text(gi.get("last-delivered-id")))
                    .append(" pending=").append(text(gi.get("pending"))).append(" consumers=[");
            for (Object cons : (List<?>) c.call("XINFO", "CONSUMERS", k, name)) {
                Map<String, Object> ci = fields(cons);
                sb.append(text(ci.get("name"))).append(':').append(text(ci.get("pending"))).append(' ');
            }
            sb.append("] pel=[");
            for (Object p : (List<?>) c.call("XPENDING", k, name, "-", "+", "1000")) {
                List<?> e = (List<?>) p; // id, consumer, idle, deliveries
                sb.append(text(e.get(0))).append('/').append(text(e.get(1))).append('/').append(text(e.get(3))).append(' ');
            }
            sb.append(']');
        }
        return sb.toString();
    }

    private static Map<String, Object> fields(Object flat) {
        Map<String, Object> m = new TreeMap<>();
        List<?> l = (List<?>) flat;
        for (int i = 0; i + 1 < l.size(); i += 2) m.put(RespReader.text(l.get(i)), l.get(i + 1));
        return m;
    }

    private static String pairs(Object reply) {
        List<String> items = new ArrayList<>();
        List<?> l = (List<?>) reply;
        for (int i = 0; i + 1 < l.size(); i += 2) items.add(text(l.get(i)) + "=" + text(l.get(i + 1)));
        java.util.Collections.sort(items);
        return items.toString();
    }

    private static String sorted(Object reply) {
        List<String> items = new ArrayList<>();
        for (Object o : (List<?>) reply) items.add(text(o));
        java.util.Collections.sort(items);
        return items.toString();
    }

    private static String text(Object reply) {
        if (reply instanceof List<?> l) {
            List<String> items = new ArrayList<>();
            for (Object o : l) items.add(text(o));
            return items.toString();
        }
        return RespReader.text(reply);
    }
}
