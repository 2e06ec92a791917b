package io.redismigrate.job;

import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.resp.RespReader;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Small helpers over INFO keyspace and CONFIG GET, shared by precheck and verify. */
public final class Keyspace {
    private Keyspace() {}

    /** DB number → key count, for the DBs that hold keys (from INFO keyspace). */
    public static Map<Integer, Long> keyCounts(RedisConnection c) throws IOException {
        Map<Integer, Long> out = new TreeMap<>();
        for (Map.Entry<String, String> e : c.info("keyspace").entrySet()) {
            if (!e.getKey().matches("db\\d+")) continue;
            int db = Integer.parseInt(e.getKey().substring(2));
            for (String part : e.getValue().split(",")) {
                if (part.startsWith("keys=")) {
                    long n = Long.parseLong(part.substring(5).trim());
                    if (n > 0) out.put(db, n);
                }
            }
        }
        return out;
    }

    /** The value of a config parameter, or null when CONFIG GET is refused or the parameter does not exist. */
    public static String config(RedisConnection c, String name) throws IOException {
        Object reply = c.call("CONFIG", "GET", name);
        if (reply instanceof RespError || !(reply instanceof List)) return null;
        List<?> l = (List<?>) reply;
        for (int i = 0; i + 1 < l.size(); i += 2) {
            if (name.equalsIgnoreCase(RespReader.text(l.get(i)))) return RespReader.text(l.get(i + 1));
        }
        return null;
    }

    /** The number of databases (CONFIG GET databases), or -1 when it cannot be read. */
    public static int databases(RedisConnection c) throws IOException {
        String v = config(c, "databases");
        try {
            return v == null ? -1 : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
