package io.redismigrate.job;

import java.io.PrintStream;

/**
 * A subcommand of {@code redis-migrate}. Returns the exit code; expected failures are thrown
 * ({@link UsageException} → 2, {@link io.redismigrate.connector.resp.RedisAccessException} or
 * {@link io.redismigrate.job.precheck.PrecheckFailedException} → 3, anything else → 1) and {@link Main} turns them
 * into one line on stderr. {@code out} is for results (tables, summaries), {@code err} for diagnostics.
 */
@FunctionalInterface
public interface Command {
    int execute(MigrationOptions options, PrintStream out, PrintStream err) throws Exception;
}
