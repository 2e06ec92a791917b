package io.redismigrate.connector.resp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ServerInfo#of} from the {@code INFO server} fields each server really reports: Valkey says
 * {@code redis_version:7.2.4} for compatibility, {@code server_name:valkey} and its own {@code valkey_version}.
 * Expected RDB versions: Redis {@code rdb.h} per release; Valkey's {@code RDB_VERSION_MAP} (7.2-8.1: 11, 9.0: 80,
 * 9.2: 81), and every Valkey reads Redis RDB up to 11.
 */
class ServerInfoTest {

    @ParameterizedTest(name = "{0} {1} ({2})")
    @CsvSource({
            // flavour, redis_version, valkey_version (or -), display, rdb written, Redis level read, field TTLs
            "redis,  6.0.20, -,     Redis 6.0.20,  9,  9, false",
            "redis,  7.0.15, -,     Redis 7.0.15,  10, 10, false",
            "redis,  7.2.5,  -,     Redis 7.2.5,   11, 11, false",
            "redis,  7.4.2,  -,     Redis 7.4.2,   12, 12, true",
            "redis,  8.0.3,  -,     Redis 8.0.3,   12, 12, true",
            "valkey, 7.2.4,  8.0.1, Valkey 8.0.1,  11, 11, false",
            "valkey, 7.2.4,  8.1.3, Valkey 8.1.3,  11, 11, false",
            "valkey, 7.2.4,  9.0.1, Valkey 9.0.1,  80, 11, true",
            "valkey, 7.2.4,  9.2.0, Valkey 9.2.0,  81, 11, true",
    })
    void ofInfoServer(String flavour, String redisVersion, String valkeyVersion, String display, int rdb, int level, boolean fieldTtls) {
        Map<String, String> info = new HashMap<>();
        info.put("redis_version", redisVersion);
        info.put("redis_mode", "standalone");
        if (flavour.equals("valkey")) {
            info.put("server_name", "valkey");
            info.put("valkey_version", valkeyVersion);
        }
        ServerInfo s = ServerInfo.of(info);
        assertEquals(flavour.equals("valkey"), s.valkey());
        assertEquals(display, s.display());
        assertEquals(rdb, s.rdb(), "RDB version written");
        assertEquals(level, s.redisLevel(), "newest Redis RDB version read");
        assertEquals(fieldTtls, s.hashFieldTtl(), "hash-field TTLs");
        assertEquals(true, s.known());
    }

    /** Without valkey_version, server_name:valkey alone marks Valkey; its version is then redis_version. */
    @org.junit.jupiter.api.Test
    void valkey72WithoutValkeyVersion() {
        ServerInfo s = ServerInfo.of(Map.of("redis_version", "7.2.4", "server_name", "valkey"));
        assertEquals(new ServerInfo(true, "7.2.4", 11, 11), s);
        assertEquals(true, s.atLeastRedis(7, 2));
        assertEquals(false, s.atLeastRedis(7, 4));
    }
}
