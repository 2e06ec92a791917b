package io.redismigrate.connector.replication;

import java.util.Objects;

/**
 * How the source answered PSYNC.
 *
 * <p>{@code offset} is the replication offset already covered by what precedes the command stream, in Redis'
 * own terms (a replica's {@code master_repl_offset}): for FULL the offset from {@code +FULLRESYNC} (the RDB
 * holds everything up to it), for CONTINUE the requested PSYNC offset minus one. Either way the first byte of
 * {@link ReplicationClient#commandStream()} has offset {@code offset + 1}.
 */
public record SyncStart(Kind kind, String replId, long offset) {
    public enum Kind {
        /** {@code +FULLRESYNC}: an RDB snapshot follows, then the command stream. */
        FULL,
        /** {@code +CONTINUE}: the command stream resumes right after the requested offset. */
        CONTINUE
    }

    public SyncStart {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(replId, "replId");
    }
}
