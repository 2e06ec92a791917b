package io.redismigrate.connector.rdb;

import io.redismigrate.connector.resp.ServerInfo;

import java.io.Serializable;

/**
 * How the parser turns values into writes.
 *
 * @param bigKeyThreshold    serialized size above which a value goes through the decoding path (default 64 MiB)
 * @param targetRdbVersion   the newest RDB version the destination reads; values of a newer encoding are decoded
 *                           into commands ({@link Integer#MAX_VALUE} when unknown: always RESTORE)
 * @param chunkElements      most elements per decoded command
 * @param chunkBytes         most payload bytes per decoded command
 * @param skipExpired        drop keys whose TTL passed before they were read
 * @param decodeFieldTtls    hashes whose fields may carry TTLs (Redis ≥ 7.4 encodings {@code HASH_LISTPACK_EX},
 *                           {@code HASH_METADATA}) take the decoding path (HSET + HPEXPIREAT per field), so a TTL
 *                           shift applied to commands reaches their fields too; a RESTORE payload carries the
 *                           field TTLs inside the DUMP bytes, where nothing can be added
 * @param targetFieldTtls    the destination stores hash-field TTLs (Redis 7.4+, Valkey 9+); when it does not, a
 *                           hash with a field TTL stops the job ({@link TargetCannotStoreException}) instead of
 *                           losing the TTL
 * @param targetValkeyRdb    the Valkey RDB version the destination reads when it is Valkey 9+ (80), else 0: only
 *                           then are Valkey-only value types (Valkey's hash with field TTLs) handed out as RESTORE
 *                           payloads; other destinations get them decoded into commands ({@link Integer#MAX_VALUE}
 *                           when unknown, like {@code targetRdbVersion}: always RESTORE)
 * @param stringsAsSet       strings without a TTL are written as {@code SET key value} instead of a RESTORE
 *                           payload: the destination executes a SET for about 3/4 of a RESTORE's CPU (no payload
 *                           checksum, no RDB object load; docs/benchmarks.md, "Destination cost per snapshot key")
 *                           and stores the same value (the server picks the string's encoding itself either way).
 *                           Strings with a TTL stay RESTOREs: {@code SET … PXAT} measured dearer than RESTORE
 */
public record RdbParserConfig(long bigKeyThreshold, int targetRdbVersion, int chunkElements, int chunkBytes,
                              boolean skipExpired, boolean decodeFieldTtls, boolean targetFieldTtls,
                              int targetValkeyRdb, boolean stringsAsSet) implements Serializable {

    public static final long DEFAULT_BIG_KEY_THRESHOLD = 64L << 20;

    public static RdbParserConfig defaults() {
        return new RdbParserConfig(DEFAULT_BIG_KEY_THRESHOLD, Integer.MAX_VALUE, 1024, 1 << 20, true, false, true, Integer.MAX_VALUE, false);
    }

    public RdbParserConfig withBigKeyThreshold(long v) {
        return new RdbParserConfig(v, targetRdbVersion, chunkElements, chunkBytes, skipExpired, decodeFieldTtls, targetFieldTtls, targetValkeyRdb, stringsAsSet);
    }

    public RdbParserConfig withTargetRdbVersion(int v) {
        return new RdbParserConfig(bigKeyThreshold, v, chunkElements, chunkBytes, skipExpired, decodeFieldTtls, targetFieldTtls, targetValkeyRdb, stringsAsSet);
    }

    public RdbParserConfig withChunks(int elements, int bytes) {
        return new RdbParserConfig(bigKeyThreshold, targetRdbVersion, elements, bytes, skipExpired, decodeFieldTtls, targetFieldTtls, targetValkeyRdb, stringsAsSet);
    }

    public RdbParserConfig withSkipExpired(boolean v) {
        return new RdbParserConfig(bigKeyThreshold, targetRdbVersion, chunkElements, chunkBytes, v, decodeFieldTtls, targetFieldTtls, targetValkeyRdb, stringsAsSet);
    }

    public RdbParserConfig withDecodeFieldTtls(boolean v) {
        return new RdbParserConfig(bigKeyThreshold, targetRdbVersion, chunkElements, chunkBytes, skipExpired, v, targetFieldTtls, targetValkeyRdb, stringsAsSet);
    }

    public RdbParserConfig withTargetFieldTtls(boolean v) {
        return new RdbParserConfig(bigKeyThreshold, targetRdbVersion, chunkElements, chunkBytes, skipExpired, decodeFieldTtls, v, targetValkeyRdb, stringsAsSet);
    }

    /** The destination's Valkey RDB version (Valkey 9+: 80), 0 when it is not Valkey 9+. */
    public RdbParserConfig withTargetValkeyRdb(int v) {
        return new RdbParserConfig(bigKeyThreshold, targetRdbVersion, chunkElements, chunkBytes, skipExpired, decodeFieldTtls, targetFieldTtls, v, stringsAsSet);
    }

    public RdbParserConfig withStringsAsSet(boolean v) {
        return new RdbParserConfig(bigKeyThreshold, targetRdbVersion, chunkElements, chunkBytes, skipExpired, decodeFieldTtls,
                targetFieldTtls, targetValkeyRdb, v);
    }

    /**
     * What {@code target} reads: its Redis RDB level, whether it stores hash-field TTLs, and Valkey's own RDB
     * version when it is Valkey 9+ (else 0).
     */
    public RdbParserConfig withTarget(ServerInfo target) {
        return withTargetRdbVersion(target.redisLevel()).withTargetFieldTtls(target.hashFieldTtl())
                .withTargetValkeyRdb(target.valkey() && target.rdb() >= ServerInfo.VALKEY_RDB ? target.rdb() : 0);
    }
}
