package io.redismigrate.connector.testutils;

import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Every key of some DBs of a server as {@code DUMP} gives it, with its TTL: input for payload tests. */
public final class DumpedKeys {
    /** One key: its DB, name, DUMP payload and absolute expiry (Unix ms, 0 = none). */
    public record Dumped(int db, byte[] key, byte[] payload, long expireAtMs) {}

    private DumpedKeys() {}

    public static List<Dumped> of(RedisServer server, int... dbs) throws IOException {
        List<Dumped> out = new ArrayList<>();
        try (RedisConnection c = RedisConnection.open(RedisEndpoint.parse(server.uri()), "source", 5000)) {
            for (int db : dbs) {
                c.call("SELECT", String.valueOf(db));
                for (Object k : (List<?>) c.call("KEYS", "*")) {
                    byte[] key = (byte[]) k;
                    byte[] payload = (byte[]) c.call("DUMP".getBytes(), key);
                    long pttl = ((Number) c.call("PTTL".getBytes(), key)).longValue();
                    out.add(new Dumped(db, key, payload, pttl > 0 ? System.currentTimeMillis() + pttl : 0));
                }
            }
        }
        return out;
    }
}
