package io.redismigrate.job.precheck;

import java.io.Serializable;
import java.util.Objects;

/** One row of the precheck table. */
public final class CheckResult implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Status {
        /** Fine. */
        OK,
        /** Worth knowing, not a problem. */
        INFO,
        /** Works, but slower or riskier than it could be; the detail says what to change. */
        WARN,
        /** Could not be checked (for example the user may not run CONFIG); not a problem by itself. */
        SKIP,
        /** Must be fixed before migrating. */
        FAIL
    }

    private final String check;
    private final Status status;
    private final String detail;

    public CheckResult(String check, Status status, String detail) {
        this.check = Objects.requireNonNull(check);
        this.status = Objects.requireNonNull(status);
        this.detail = detail == null ? "" : detail;
    }

    public static CheckResult ok(String check, String detail) { return new CheckResult(check, Status.OK, detail); }
    public static CheckResult info(String check, String detail) { return new CheckResult(check, Status.INFO, detail); }
    public static CheckResult warn(String check, String detail) { return new CheckResult(check, Status.WARN, detail); }
    public static CheckResult skip(String check, String detail) { return new CheckResult(check, Status.SKIP, detail); }
    public static CheckResult fail(String check, String detail) { return new CheckResult(check, Status.FAIL, detail); }

    public String check() { return check; }
    public Status status() { return status; }
    public String detail() { return detail; }
    public boolean failed() { return status == Status.FAIL; }

    @Override
    public String toString() {
        return check + " | " + status + " | " + detail;
    }
}
