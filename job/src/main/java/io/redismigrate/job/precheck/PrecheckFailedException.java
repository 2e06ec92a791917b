package io.redismigrate.job.precheck;

/** A precheck found a problem that must be fixed before migrating (exit code 3); the message is one line. */
public class PrecheckFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    public PrecheckFailedException(String message) {
        super(message);
    }
}
