package io.redismigrate.connector.rdb;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static io.redismigrate.connector.rdb.RdbConstants.RDB_TYPE_MODULE_2;
import static io.redismigrate.connector.rdb.RdbConstants.minVersionForType;
import static io.redismigrate.connector.rdb.RdbConstants.typeName;

/**
 * A DUMP payload ({@code type byte, value bytes, 2-byte RDB version, CRC64}) made fit for a destination that reads
 * RDB only up to some level: the same bytes when their version is not newer, re-labelled with the destination's
 * version when it reads the value's type, else decoded into commands. For payloads that do not come from the
 * snapshot parser: a refresh read from the source with DUMP, a RESTORE in the replication stream.
 */
public final class DumpPayloads {
    private static final int FOOTER = 10;

    private DumpPayloads() {}

    /** The value type of a payload (its first byte). */
    public static int type(byte[] payload) {
        return payload[0] & 0xff;
    }

    /** The RDB version a payload is labelled with. */
    public static int version(byte[] payload) {
        int n = payload.length;
        return (payload[n - FOOTER] & 0xff) | (payload[n - FOOTER + 1] & 0xff) << 8;
    }

    /** Whether a payload is in Valkey's own format (labelled 80 or above: Valkey 9's types 22+ mean other things). */
    public static boolean valkeyFormat(byte[] payload) {
        return version(payload) >= RdbConstants.VALKEY_RDB_80;
    }

    /**
     * Whether the destination takes the payload as it is: its version is at most the Redis level the destination
     * reads, or it is Valkey's own format and the destination is a Valkey that reads that version.
     */
    public static boolean readableAsIs(byte[] payload, RdbParserConfig target) {
        if (payload.length <= FOOTER) return false;
        int v = version(payload);
        if (valkeyFormat(payload)) return target.targetValkeyRdb() >= v;
        return v <= target.targetRdbVersion();
    }

    /**
     * Whether re-labelling is enough for a destination reading Redis RDB up to {@code level}: the value's type exists
     * there (a value's bytes depend on its type byte only; module values keep their own encoding version). Valkey's
     * own types (22 and up in its format) exist in no Redis level.
     */
    public static boolean relabelable(byte[] payload, int level) {
        int type = type(payload);
        if (valkeyFormat(payload) && type > 21) return false;
        return type == RDB_TYPE_MODULE_2 || (type <= RdbConstants.MAX_SUPPORTED_TYPE && minVersionForType(type) <= level);
    }

    /** A copy labelled with RDB {@code version}, its CRC64 recomputed. */
    public static byte[] relabel(byte[] payload, int version) {
        byte[] p = payload.clone();
        int at = p.length - FOOTER;
        p[at] = (byte) version;
        p[at + 1] = (byte) (version >> 8);
        long crc = Crc64.of(p, 0, at + 2);
        for (int i = 0; i < 8; i++) p[at + 2 + i] = (byte) (crc >>> (8 * i));
        return p;
    }

    /**
     * The payload for the destination {@code target} describes: itself, or re-labelled; null when it must be
     * decoded ({@link #decode}).
     */
    public static byte[] forTarget(byte[] payload, RdbParserConfig target) {
        if (readableAsIs(payload, target)) return payload;
        int level = target.targetRdbVersion();
        return relabelable(payload, level) ? relabel(payload, level) : null;
    }

    /**
     * The commands that write the payload's value as {@code key} (the first is {@code DEL key}; the last, when
     * {@code expireAtMs} is not 0, {@code PEXPIREAT}), chunked as {@code config} says. Empty when the value holds no
     * element. The payload's checksum is checked first.
     */
    public static List<byte[][]> decode(byte[] payload, byte[] key, long expireAtMs, RdbParserConfig config) throws IOException {
        if (payload.length <= FOOTER) throw new RdbException("DUMP payload of " + payload.length + " bytes is too short");
        int at = payload.length - FOOTER;
        long expected = 0;
        for (int i = 0; i < 8; i++) expected |= (payload[at + 2 + i] & 0xffL) << (8 * i);
        if (expected != 0 && expected != Crc64.of(payload, 0, at + 2)) {
            throw new RdbException("DUMP payload checksum mismatch: the payload is corrupt");
        }
        int type = type(payload);
        if (valkeyFormat(payload) && type == RdbConstants.VALKEY_TYPE_HASH_2_BYTE) type = RdbConstants.VALKEY_TYPE_HASH_2;
        if (type == RDB_TYPE_MODULE_2) {
            throw new TargetCannotStoreException("a module value (" + typeName(type) + ") cannot be rewritten as commands");
        }
        List<byte[][]> out = new ArrayList<>();
        RdbHandler collect = new RdbHandler() {
            @Override
            public void onRestore(int db, byte[] k, long e, byte[] p, String moduleType) {
                throw new IllegalStateException("the decoder hands out commands only");
            }

            @Override
            public void onCommand(int db, byte[] k, byte[][] args, boolean keyStart) {
                out.add(args);
            }
        };
        RdbReader r = new RdbReader(new RdbInput(new ByteArrayInputStream(payload, 1, at - 1)));
        new RdbValueDecoder(r, config.withSkipExpired(false), collect, 0, key).decode(type, expireAtMs);
        return out;
    }
}
