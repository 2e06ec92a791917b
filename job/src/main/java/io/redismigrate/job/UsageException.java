package io.redismigrate.job;

/** The command line or the config file is wrong: exit code 2, one line naming the option and the fix. */
public class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
