package io.redismigrate.job;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The Flink job name of a run, so runs tell apart in the web UI, the REST API and {@code status}:
 * {@code redis-migrate <source host:port> -> <target host:port> <mode> <start, UTC ISO-8601 to the second>}.
 * Endpoints print as host:port only, never with a user or password.
 */
public final class JobName {
    /** Every job of this tool has a name starting so ({@code status} finds it by that). */
    public static final String PREFIX = "redis-migrate";

    private JobName() {}

    public static String of(MigrationOptions o, Instant start) {
        return PREFIX + " " + o.source().host() + ":" + o.source().port() + " -> " + o.target().host() + ":"
                + o.target().port() + " " + o.mode().cliName() + " "
                + DateTimeFormatter.ISO_INSTANT.format(start.truncatedTo(ChronoUnit.SECONDS));
    }
}
