package io.redismigrate.job;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class JobNameTest {
    @Test
    void endpointsModeAndStartTimeWithoutPasswords() throws Exception {
        MigrationOptions o = MigrationOptions.parse("run", "--source", "redis://admin:s3cret@10.0.0.5:6379",
                "--target", "rediss://:t0psecret@new-host.example:6380", "--mode", "full");
        String name = JobName.of(o, Instant.parse("2026-12-04T02:01:22.734Z"));
        assertEquals("redis-migrate 10.0.0.5:6379 -> new-host.example:6380 full 2026-12-04T02:01:22Z", name);
        assertFalse(name.contains("s3cret") || name.contains("t0psecret") || name.contains("admin"), name);
    }

    @Test
    void defaultMode() throws Exception {
        MigrationOptions o = MigrationOptions.parse("run", "--source", "redis://127.0.0.1:7001", "--target", "redis://127.0.0.1:7002");
        assertEquals("redis-migrate 127.0.0.1:7001 -> 127.0.0.1:7002 full+incremental 2026-01-31T23:59:59Z",
                JobName.of(o, Instant.parse("2026-01-31T23:59:59Z")));
    }
}
