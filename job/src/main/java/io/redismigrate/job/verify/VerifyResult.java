package io.redismigrate.job.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Outcome of {@link Verifier#verify()}: counts and up to {@link Verifier#MAX_EXAMPLES} example differences. */
public final class VerifyResult {
    private long keys;
    private int dbs;
    private long missing;
    private long different;
    private long extra;
    private String method = "";
    private final List<String> examples = new ArrayList<>();

    void keyChecked() { keys++; }
    void dbChecked() { dbs++; }
    void method(String m) { method = m; }

    void missing(String example) {
        missing++;
        example(example);
    }

    void different(String example) {
        different++;
        example(example);
    }

    void extra(String example) {
        extra++;
        example(example);
    }

    private void example(String e) {
        if (examples.size() < Verifier.MAX_EXAMPLES) examples.add(e);
    }

    /** Source keys compared (keys that vanished from the source during the scan are not counted). */
    public long keys() { return keys; }

    /** Source DBs compared. */
    public int dbs() { return dbs; }

    /** Source keys absent on the target. */
    public long missing() { return missing; }

    /** Keys present on both sides with a different type, value or TTL. */
    public long different() { return different; }

    /** Target keys in scope that the source does not have. */
    public long extra() { return extra; }

    /** How values were compared: "DEBUG DIGEST-VALUE" or "canonical value". */
    public String method() { return method; }

    /** Up to 20 differences, one line each, keys rendered printable. */
    public List<String> examples() { return Collections.unmodifiableList(examples); }

    public boolean equal() { return missing == 0 && different == 0 && extra == 0; }

    /** {@code verified N keys in D DBs: 0 missing, 0 different, 0 extra}. */
    public String summary() {
        return "verified " + keys + " keys in " + dbs + " DBs: " + missing + " missing, " + different + " different, "
                + extra + " extra";
    }
}
