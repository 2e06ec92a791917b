package io.redismigrate.connector.resp;

import io.redismigrate.connector.testutils.RedisServer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedisVersionsTest {

    @Test
    void mapsReleasesToRdbVersions() {
        assertEquals(-1, RedisVersions.rdbVersion("2.2.15"));
        assertEquals(5, RedisVersions.rdbVersion("2.4.18"));
        assertEquals(6, RedisVersions.rdbVersion("2.6.17"));
        assertEquals(6, RedisVersions.rdbVersion("2.8.24"));
        assertEquals(6, RedisVersions.rdbVersion("3.0.7"));
        assertEquals(7, RedisVersions.rdbVersion("3.2.12"));
        assertEquals(8, RedisVersions.rdbVersion("4.0.14"));
        assertEquals(9, RedisVersions.rdbVersion("5.0.14"));
        assertEquals(9, RedisVersions.rdbVersion("6.0.20"));
        assertEquals(9, RedisVersions.rdbVersion("6.2.14"));
        assertEquals(10, RedisVersions.rdbVersion("7.0.15"));
        assertEquals(11, RedisVersions.rdbVersion("7.2.4"));
        assertEquals(12, RedisVersions.rdbVersion("7.4.1"));
        assertEquals(12, RedisVersions.rdbVersion("8.0.2"));
        assertEquals(12, RedisVersions.rdbVersion("8.4.0"));
        assertEquals(13, RedisVersions.rdbVersion("8.6.1"));
        assertEquals(14, RedisVersions.rdbVersion("8.8.0"));
        assertEquals(15, RedisVersions.rdbVersion("8.10.0"));
        assertEquals(15, RedisVersions.rdbVersion("9.0.0"));
        assertEquals(-1, RedisVersions.rdbVersion("garbage"));
        assertEquals(-1, RedisVersions.rdbVersion(null));
    }

    @Test
    void parsesAndComparesVersions() {
        assertArrayEquals(new int[] {7, 0, 15}, RedisVersions.parse("7.0.15"));
        assertArrayEquals(new int[] {8, 2, 0}, RedisVersions.parse("8.2.0-rc1"));
        assertArrayEquals(new int[] {7, 0, 0}, RedisVersions.parse("7"));
        assertNull(RedisVersions.parse("v7"));
        assertTrue(RedisVersions.compare("7.2.0", "7.0.15") > 0);
        assertTrue(RedisVersions.compare("6.2.14", "6.2.14") == 0);
        assertTrue(RedisVersions.compare("8.10.0", "8.9.1") > 0);
        assertTrue(RedisVersions.atLeast("7.0.0", 7, 0));
        assertFalse(RedisVersions.atLeast("6.2.14", 7, 0));
    }

    /** The installed server's DUMP payload ends with its RDB version (2 bytes LE) and a CRC64: it must match the table. */
    @Test
    void tableAgreesWithTheInstalledServer() throws Exception {
        try (RedisServer server = RedisServer.start();
             RedisConnection c = RedisConnection.open(RedisEndpoint.parse(server.uri()), "source", 5000)) {
            String version = c.info("server").get("redis_version");
            c.call("SET", "k", "v");
            byte[] dump = (byte[]) c.call("DUMP", "k");
            int rdb = (dump[dump.length - 10] & 0xff) | (dump[dump.length - 9] & 0xff) << 8;
            assertEquals(rdb, RedisVersions.rdbVersion(version), "redis " + version);
        }
    }
}
