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
    private long expiring;
    private long functionDifferences;
    private String functionsNote = "function libraries not compared";
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

    void expiringKey() { expiring++; }

    void functionDifference(String example) {
        functionDifferences++;
        example(example);
    }

    void functionsNote(String note) { functionsNote = note; }

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

    /**
     * Target keys in scope the source no longer has, whose target TTL is within --ttl-margin (+ --ttl-extend, + 1 s):
     * expired on the source, its DEL still on the way. Not differences.
     */
    public long expiring() { return expiring; }

    /** Function libraries missing on the target, extra there, with other code, or differing between masters. */
    public long functionDifferences() { return functionDifferences; }

    /** One line: how many function libraries were compared, or why they were not. */
    public String functionsNote() { return functionsNote; }

    /** How values were compared: "DEBUG DIGEST-VALUE" or "canonical value". */
    public String method() { return method; }

    /** Up to 20 differences, one line each, keys rendered printable. */
    public List<String> examples() { return Collections.unmodifiableList(examples); }

    public boolean equal() { return missing == 0 && different == 0 && extra == 0 && functionDifferences == 0; }

    /**
     * {@code verified N keys in D DBs: 0 missing, 0 different, 0 extra}, followed by {@code , K expiring (source DEL
     * in flight)} and {@code ; F function library differences} when there are any.
     */
    public String summary() {
        return "verified " + keys + " keys in " + dbs + " DBs: " + missing + " missing, " + different + " different, "
                + extra + " extra" + (expiring == 0 ? "" : ", " + expiring + " expiring (source DEL in flight)")
                + (functionDifferences == 0 ? "" : "; " + functionDifferences + " function library differences");
    }
}
