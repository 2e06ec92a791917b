package io.redismigrate.connector.sink;

import io.redismigrate.connector.event.Slots;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.resp.RespReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Deletes the keys the migration owns in one DB of a standalone target (SCAN + UNLINK), leaving all others. */
final class ScopedDelete {
    private static final byte[] UNLINK = "UNLINK".getBytes(StandardCharsets.US_ASCII);

    private ScopedDelete() {}

    /** DBs holding keys, from {@code INFO keyspace}. */
    static List<Integer> nonEmptyDbs(RedisConnection c) throws IOException {
        List<Integer> dbs = new ArrayList<>();
        for (Map.Entry<String, String> e : c.info("keyspace").entrySet()) {
            if (e.getKey().startsWith("db")) dbs.add(Integer.parseInt(e.getKey().substring(2)));
        }
        return dbs;
    }

    /**
     * @param slots when not null, only keys whose slot is marked (a cluster source shard's slots)
     * @return keys deleted
     */
    static long run(RedisConnection c, int db, KeyScope scope, boolean[] slots) throws IOException {
        check(c, c.call("SELECT", Integer.toString(db)), "SELECT");
        long deleted = 0;
        String cursor = "0";
        do {
            List<?> page = (List<?>) check(c, c.call("SCAN", cursor, "COUNT", "1000"), "SCAN");
            cursor = RespReader.text(page.get(0));
            List<byte[]> unlink = new ArrayList<>();
            unlink.add(UNLINK);
            for (Object k : (List<?>) page.get(1)) {
                byte[] key = (byte[]) k;
                if (scope.owns(key) && (slots == null || slots[Slots.slot(key)])) unlink.add(key);
            }
            if (unlink.size() > 1) {
                check(c, c.call(unlink.toArray(new byte[0][])), "UNLINK");
                deleted += unlink.size() - 1;
            }
        } while (!"0".equals(cursor));
        return deleted;
    }

    private static Object check(RedisConnection c, Object reply, String command) throws IOException {
        if (reply instanceof RespError) {
            throw new IOException("target " + c.endpoint() + ": " + command + " failed while applying a replicated flush "
                    + "to the keys in scope: " + ((RespError) reply).message());
        }
        return reply;
    }
}
