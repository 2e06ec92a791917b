package io.redismigrate.connector.sink;

import io.redismigrate.connector.rdb.DumpPayloads;
import io.redismigrate.connector.resp.ClusterTopology;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.resp.RespReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads keys from the source for a refresh: {@code MULTI; DUMP k; PTTL k; INFO replication; EXEC} in the source
 * DB the key was written in, so the value is exactly the source's state at offset R = {@code master_repl_offset}
 * (≥ the command's offset: the source applied the command before replicating it). One connection per split: the
 * split's standalone node, or a cluster shard's current master (found by the shard's first slot).
 */
final class SourceKeys implements AutoCloseable {
    private static final byte[] RESTORE = b("RESTORE");
    private static final byte[] REPLACE = b("REPLACE");
    private static final byte[] ABSTTL = b("ABSTTL");
    private static final byte[] DEL = b("DEL");

    /** A key's value (null when the source no longer has it), its TTL in ms (≤ 0: none) and the offset R read at. */
    record Copy(byte[] key, byte[] payload, long pttl, long offset) {}

    private final RedisSinkConfig config;
    private final Map<String, RedisConnection> connections = new HashMap<>();
    private final Map<String, Integer> selected = new HashMap<>();

    SourceKeys(RedisSinkConfig config) {
        this.config = config;
    }

    /** Reads {@code key} of source DB {@code db}; fails when the source is behind {@code atLeast} (not the stream's master). */
    Copy read(String split, int db, byte[] key, long atLeast, String what) throws IOException {
        RedisConnection src = connection(split);
        Integer current = selected.get(split);
        if (current == null || current != db) {
            src.writer().command(new byte[][] {b("SELECT"), num(db)});
        }
        src.writer().command(new byte[][] {b("MULTI")});
        src.writer().command(new byte[][] {b("DUMP"), key});
        src.writer().command(new byte[][] {b("PTTL"), key});
        src.writer().command(new byte[][] {b("INFO"), b("replication")});
        src.writer().command(new byte[][] {b("EXEC")});
        src.writer().flush();
        int replies = (current == null || current != db) ? 5 : 4;
        for (int i = 0; i < replies; i++) {
            Object r = src.reader().read();
            if (r instanceof RespError) {
                selected.remove(split);
                throw new IOException("source " + src.endpoint() + ": reading a key (db " + db + ") for " + what + " failed: " + r
                        + "; the source user needs SELECT, DUMP, PTTL and INFO");
            }
        }
        selected.put(split, db);
        Object exec = src.reader().read();
        if (!(exec instanceof List)) throw new IOException("source " + src.endpoint() + ": MULTI for " + what + " failed: " + exec);
        List<?> res = (List<?>) exec;
        long offset = -1;
        for (String line : RespReader.text(res.get(2)).split("\r\n")) {
            if (line.startsWith("master_repl_offset:")) offset = Long.parseLong(line.substring(19).trim());
        }
        if (offset < atLeast) {
            throw new IOException("source " + src.endpoint() + ": offset " + offset + " is behind the stream (" + atLeast
                    + "); the source must be the master the stream comes from");
        }
        return new Copy(key, (byte[]) res.get(0), ((Number) res.get(1)).longValue(), offset);
    }

    /**
     * What writes the copy on the target: RESTORE … REPLACE (ABSTTL where the target has it; TTL shifted by the
     * config's shift), the payload re-labelled or rewritten as commands for an older target ({@link DumpPayloads}),
     * or DEL when the source no longer has the key.
     */
    static List<byte[][]> writeCommands(Copy c, RedisSinkConfig config) throws IOException {
        if (c.payload() == null) return List.<byte[][]>of(new byte[][] {DEL, c.key()});
        long at = c.pttl() > 0 ? System.currentTimeMillis() + c.pttl() + config.ttlShiftMs() : 0;
        byte[] payload = DumpPayloads.forTarget(c.payload(), config.targetFormat());
        if (payload == null) return DumpPayloads.decode(c.payload(), c.key(), at, config.targetFormat());
        if (!config.useAbsTtl()) {
            long ttl = at == 0 ? 0 : Math.max(1, at - System.currentTimeMillis());
            return List.<byte[][]>of(new byte[][] {RESTORE, c.key(), num(ttl), payload, REPLACE});
        }
        return List.<byte[][]>of(new byte[][] {RESTORE, c.key(), num(at), payload, REPLACE, ABSTTL});
    }

    private RedisConnection connection(String split) throws IOException {
        RedisConnection c = connections.get(split);
        if (c != null) return c;
        for (RedisEndpoint e : config.sources()) {
            if ((e.host() + ":" + e.port()).equals(split)) return open(split, e);
        }
        if (split.startsWith("slots-")) {
            // a cluster source: the shard's current master, found by its first slot (it may have failed over)
            int slot = Integer.parseInt(split.substring(6, split.indexOf('-', 6)));
            ClusterTopology t = ClusterTopology.discoverAny(config.sources(), "source", config.connectTimeoutMs());
            ClusterTopology.Shard shard = t.shardForSlot(slot);
            if (shard != null) return open(split, shard.master());
        }
        throw new IOException("source node of split " + split + " unknown to the sink; cannot copy keys from it");
    }

    private RedisConnection open(String split, RedisEndpoint e) throws IOException {
        RedisConnection c = RedisConnection.open(e, "source", config.connectTimeoutMs());
        c.setReadTimeout(config.replyTimeoutMs());
        connections.put(split, c);
        selected.remove(split);
        return c;
    }

    @Override
    public void close() throws IOException {
        for (RedisConnection c : connections.values()) c.close();
        connections.clear();
    }

    private static byte[] num(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
