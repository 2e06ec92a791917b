package io.redismigrate.connector.resp;

import java.io.Serializable;
import java.util.Map;

/**
 * What a server is, from its {@code INFO server}: Redis or Valkey, its own version, the RDB version it writes, and
 * the newest Redis RDB level it reads (the level RESTORE payloads are labelled with for it). Valkey reports
 * {@code redis_version:7.2.4} for compatibility and its own version in {@code valkey_version} (with
 * {@code server_name:valkey}); as a peer it behaves like Redis 7.2 plus its own additions.
 *
 * @param valkey     the server is Valkey
 * @param version    its own version ("7.0.15", or Valkey's "8.1.1"); "unknown" when INFO does not say
 * @param rdb        the RDB version it writes (Valkey 7.2-8.1: 11; Valkey 9.0/9.1: 80, the {@code VALKEY080} magic;
 *                   Valkey 9.2+: 81), -1 when unknown
 * @param redisLevel the newest Redis RDB version it reads (Valkey 7.2 to 9.x: 11), -1 when unknown
 */
public record ServerInfo(boolean valkey, String version, int rdb, int redisLevel) implements Serializable {
    /** RDB version Valkey 9 and newer write (magic {@code VALKEY080}); Redis RDB versions 12-79 are foreign to it. */
    public static final int VALKEY_RDB = 80;
    /** RDB version Valkey 9.2 writes (Valkey's {@code RDB_VERSION_MAP} in {@code rdb.h}: 11 → 7.2, 80 → 9.0, 81 → 9.2). */
    public static final int VALKEY_RDB_9_2 = 81;

    /** From the fields of {@code INFO server}. */
    public static ServerInfo of(Map<String, String> infoServer) {
        String valkeyVersion = infoServer.get("valkey_version");
        boolean valkey = valkeyVersion != null || "valkey".equalsIgnoreCase(infoServer.get("server_name"));
        if (valkey) {
            String v = valkeyVersion != null ? valkeyVersion : infoServer.getOrDefault("redis_version", "unknown");
            return valkey(v);
        }
        return redis(infoServer.getOrDefault("redis_version", "unknown"));
    }

    /** A Redis server of {@code version}. */
    public static ServerInfo redis(String version) {
        int rdb = RedisVersions.rdbVersion(version);
        return new ServerInfo(false, version, rdb, rdb);
    }

    /** A Valkey server of {@code version} (its own numbering: 7.2, 8.0, 8.1, 9.0 …). */
    public static ServerInfo valkey(String version) {
        int[] v = RedisVersions.parse(version);
        if (v == null) return new ServerInfo(true, version, -1, -1);
        int rdb = v[0] > 9 || (v[0] == 9 && v[1] >= 2) ? VALKEY_RDB_9_2 : v[0] == 9 ? VALKEY_RDB : 11;
        return new ServerInfo(true, version, rdb, 11);
    }

    /**
     * Whether the server has the commands and replication behaviour of Redis {@code major.minor}: Valkey counts as
     * Redis 7.2 (it forked from 7.2.4; Redis 7.4+ features such as hash-field TTLs are not implied).
     */
    public boolean atLeastRedis(int major, int minor) {
        if (valkey) return rdb > 0 && (7 > major || (7 == major && 2 >= minor));
        return RedisVersions.atLeast(version, major, minor);
    }

    /** Its own version is at least {@code major.minor} (Valkey's numbering for Valkey). */
    public boolean atLeast(int major, int minor) {
        return RedisVersions.atLeast(version, major, minor);
    }

    /** Hash-field TTLs (HEXPIRE, HPEXPIREAT, HPERSIST …): Redis 7.4+, Valkey 9.0+. */
    public boolean hashFieldTtl() {
        return valkey ? atLeast(9, 0) : atLeast(7, 4);
    }

    /** FUNCTION LOAD / FCALL: Redis 7.0+ and every Valkey. */
    public boolean functions() {
        return atLeastRedis(7, 0);
    }

    /** RESTORE … ABSTTL: Redis 5.0+. */
    public boolean absTtl() {
        return atLeastRedis(5, 0);
    }

    /** The server is known: its version maps to an RDB version. */
    public boolean known() {
        return rdb > 0;
    }

    /** "Redis 7.0.15", "Valkey 8.1.1". */
    public String display() {
        return (valkey ? "Valkey " : "Redis ") + version;
    }

    @Override
    public String toString() {
        return display();
    }
}
