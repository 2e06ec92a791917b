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

/** Deletes the keys the migration owns in one DB of a node, standalone or cluster (SCAN + UNLINK), leaving all others. */
public final class ScopedDelete {
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
    public static long run(RedisConnection c, int db, KeyScope scope, boolean[] slots) throws IOException {
        if (db != 0) check(c, c.call("SELECT", Integer.toString(db)), "SELECT"); // a cluster node has DB 0 only
        long deleted = 0;
        String cursor = "0";
        do {
            List<?> page = (List<?>) check(c, c.call("SCAN", cursor, "COUNT", "1000"), "SCAN");
            cursor = RespReader.text(page.get(0));
            int sent = 0; // one UNLINK per key, pipelined: on a cluster node a multi-key UNLINK must stay in one slot
            for (Object k : (List<?>) page.get(1)) {
                byte[] key = (byte[]) k;
                if (scope.owns(key) && (slots == null || slots[Slots.slot(key)])) {
                    c.writer().command(UNLINK, key);
                    sent++;
                }
            }
            c.writer().flush();
            for (int i = 0; i < sent; i++) check(c, c.reader().read(), "UNLINK");
            deleted += sent;
        } while (!"0".equals(cursor));
        return deleted;
    }

    private static Object check(RedisConnection c, Object reply, String command) throws IOException {
        if (reply instanceof RespError) {
            throw new IOException("target " + c.endpoint() + ": " + command + " failed while removing the keys the "
                    + "migration owns (a replicated flush, or before a new snapshot): " + ((RespError) reply).message());
        }
        return reply;
    }
}
