package io.redismigrate.connector.sink;

import io.redismigrate.connector.resp.RespWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code RESTORE key ttl payload REPLACE [ABSTTL]} encoded straight from the event's bytes (no argument array,
 * no number formatting into strings): the command every snapshot key costs.
 */
final class RestoreCommand {
    private static final byte[] RESTORE = "RESTORE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REPLACE = "REPLACE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ABSTTL = "ABSTTL".getBytes(StandardCharsets.US_ASCII);

    private RestoreCommand() {}

    /** @param ttlMs absolute Unix ms with {@code absTtl}, else relative ms; 0 = no TTL */
    static void write(RespWriter out, byte[] key, long ttlMs, byte[] payload, boolean absTtl) throws IOException {
        out.header('*', absTtl ? 6 : 5);
        out.bulk(RESTORE);
        out.bulk(key);
        out.bulk(ttlMs);
        out.bulk(payload);
        out.bulk(REPLACE);
        if (absTtl) out.bulk(ABSTTL);
    }

    /** Bytes {@link #write} produces. */
    static long encodedSize(byte[] key, long ttlMs, byte[] payload, boolean absTtl) {
        return 4 + RespWriter.bulkSize(RESTORE.length) + RespWriter.bulkSize(key.length)
                + RespWriter.bulkSize(RespWriter.numberLength(ttlMs)) + RespWriter.bulkSize(payload.length)
                + RespWriter.bulkSize(REPLACE.length) + (absTtl ? RespWriter.bulkSize(ABSTTL.length) : 0);
    }

    /** The TTL argument for an event expiring at {@code expireAtMs} (0 = never), absolute or relative to now. */
    static long ttlArgument(long expireAtMs, boolean absTtl) {
        if (absTtl || expireAtMs == 0) return expireAtMs;
        return Math.max(1, expireAtMs - System.currentTimeMillis());
    }
}
