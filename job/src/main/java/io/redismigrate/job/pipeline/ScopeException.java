package io.redismigrate.job.pipeline;

/**
 * A stream command the scope options cannot apply exactly (a SWAPDB across the scope's edge, a FLUSHDB of a DB
 * merged with another by --db-map, an unknown command under prefix filters…). The run stops with this message,
 * which names the command and the way out; it is never retried.
 */
public final class ScopeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ScopeException(String message) {
        super(message);
    }
}
