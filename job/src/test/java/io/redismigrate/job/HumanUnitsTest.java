package io.redismigrate.job;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HumanUnitsTest {
    @Test
    void bytes() {
        assertEquals("0 B", HumanUnits.bytes(0));
        assertEquals("1023 B", HumanUnits.bytes(1023));
        assertEquals("20.0 KB", HumanUnits.bytes(20 * 1024));
        assertEquals("1.5 MB", HumanUnits.bytes(1.5 * (1 << 20)));
        assertEquals("3.0 GB", HumanUnits.bytes(3L << 30));
        assertEquals("?", HumanUnits.bytes(-1));
    }

    @Test
    void counts() {
        assertEquals("950", HumanUnits.count(950));
        assertEquals("12.3k", HumanUnits.count(12_345));
        assertEquals("1.0M", HumanUnits.count(999_999));
        assertEquals("4.5M", HumanUnits.count(4_500_000));
        assertEquals("1.2G", HumanUnits.count(1_200_000_000));
        assertEquals("?", HumanUnits.count(-1));
    }

    @Test
    void seconds() {
        assertEquals("0s", HumanUnits.seconds(0));
        assertEquals("45s", HumanUnits.seconds(45));
        assertEquals("3m 20s", HumanUnits.seconds(200));
        assertEquals("2h 05m", HumanUnits.seconds(2 * 3600 + 5 * 60 + 9));
        assertEquals("3d 04h", HumanUnits.seconds(3 * 86_400 + 4 * 3600));
        assertEquals("?", HumanUnits.seconds(-1));
    }

    @Test
    void theFullMigrationSummaryShowsSmallAmountsInKb() {
        assertEquals("redis-migrate: full migration done: 8,200 keys, 20.0 KB in 3.2 s (2.6k keys/s)",
                MigrationJob.summary(8200, 20 * 1024, 3200));
        assertEquals("redis-migrate: full migration done: 0 keys, 0 B in 0.0 s (0 keys/s)", MigrationJob.summary(0, 0, 0));
    }
}
