package io.redismigrate.job;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job's options win, then the Flink configuration, then the per-user local default. */
class DirectoriesTest {
    private static MigrationOptions options(String... extra) throws Exception {
        String[] base = {"run", "--source", "redis://127.0.0.1:1", "--target", "redis://127.0.0.1:2"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return MigrationOptions.parse(all);
    }

    @Test
    void theFlinkConfigurationAppliesWithoutTheJobsOptions() throws Exception {
        Configuration flink = new Configuration();
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "s3://bucket/checkpoints");
        flink.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, "s3://bucket/savepoints");
        flink.set(StateRecoveryOptions.SAVEPOINT_PATH, "s3://bucket/savepoints/savepoint-1");
        Directories d = Directories.of(options(), flink);
        assertEquals("s3://bucket/checkpoints", d.checkpoints());
        assertEquals("s3://bucket/savepoints", d.savepoints());
        assertEquals("s3://bucket/savepoints/savepoint-1", d.restoreFrom(), "flink run -s is a resume");
        Configuration jobConf = MigrationJob.checkpointing(options(), d, d.restoreFrom());
        assertEquals("s3://bucket/checkpoints", jobConf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
    }

    @Test
    void theJobsOptionsWin() throws Exception {
        Configuration flink = new Configuration();
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "s3://bucket/checkpoints");
        flink.set(StateRecoveryOptions.SAVEPOINT_PATH, "s3://bucket/savepoints/savepoint-1");
        Directories d = Directories.of(options("--checkpoint-dir", "/data/cp", "--savepoint-dir", "/data/sp",
                "--from-savepoint", "/data/sp/savepoint-2"), flink);
        assertEquals("file:/data/cp", d.checkpoints().replace("file:///", "file:/"));
        assertEquals("file:/data/sp", d.savepoints().replace("file:///", "file:/"));
        assertTrue(d.restoreFrom().endsWith("/data/sp/savepoint-2"), d.restoreFrom());
    }

    @Test
    void withNeitherTheDefaultsArePerUser() throws Exception {
        Directories d = Directories.of(options(), new Configuration());
        assertNull(d.restoreFrom());
        String home = System.getenv("XDG_STATE_HOME") != null ? System.getenv("XDG_STATE_HOME")
                : System.getProperty("user.home");
        assertTrue(d.checkpoints().contains(home) && d.checkpoints().replaceAll("/$", "").endsWith("redis-migrate/checkpoints"), d.checkpoints());
        assertTrue(d.savepoints().replaceAll("/$", "").endsWith("redis-migrate/savepoints"), d.savepoints());
    }
}
