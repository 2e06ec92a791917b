package io.redismigrate.job.status;

/** An expected end of {@code status}: one line for stderr (naming cause and fix) and the exit code. */
public final class StatusFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public StatusFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() { return exitCode; }
}
