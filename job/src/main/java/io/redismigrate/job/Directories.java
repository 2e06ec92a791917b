package io.redismigrate.job;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;

import java.nio.file.Path;

/**
 * Where the job's checkpoints and savepoints go, and what it restores from. Each comes from the job's own option
 * ({@code --checkpoint-dir}, {@code --savepoint-dir}, {@code --from-savepoint}) if given, else from the Flink
 * configuration ({@code execution.checkpointing.dir}, {@code execution.checkpointing.savepoint-dir},
 * {@code execution.state-recovery.path}, i.e. {@code flink run -s}), else from a per-user local default.
 *
 * @param warning a line to print when a job on a Flink cluster falls back to the local default, else null
 */
record Directories(String checkpoints, String savepoints, String restoreFrom, String warning) {

    static Directories of(MigrationOptions o, Configuration flink) {
        String checkpoints = first(o.checkpointDirUri(), flink.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
        String savepoints = first(o.savepointDirUri(), flink.get(CheckpointingOptions.SAVEPOINT_DIRECTORY));
        String restore = first(o.fromSavepointUri(), flink.get(StateRecoveryOptions.SAVEPOINT_PATH));
        String warning = null;
        if (checkpoints == null && o.mode().includesStream() && !embedded()) {
            warning = "no checkpoint directory (--checkpoint-dir or execution.checkpointing.dir): using "
                    + defaultDir("checkpoints") + " on the local disk of each Flink process; a resume after a lost"
                    + " TaskManager needs shared storage";
        }
        return new Directories(checkpoints != null ? checkpoints : defaultDir("checkpoints"),
                savepoints != null ? savepoints : defaultDir("savepoints"), restore, warning);
    }

    private static boolean embedded() {
        return org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.getExecutionEnvironment()
                instanceof org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
    }

    private static String first(String option, String flink) {
        return option != null ? option : flink == null || flink.isBlank() ? null : flink;
    }

    /**
     * The default for an embedded run: {@code $XDG_STATE_HOME/redis-migrate/<name>} (default
     * {@code ~/.local/state}): per user, and unlike /tmp kept across a reboot, which a resume may follow.
     */
    static String defaultDir(String name) {
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("redis-migrate").resolve(name).toAbsolutePath().toUri().toString();
    }
}
