package io.redismigrate.job;

import io.redismigrate.connector.resp.RedisAccessException;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.job.precheck.Precheck;
import io.redismigrate.job.precheck.PrecheckFailedException;
import io.redismigrate.job.status.StatusCommand;
import io.redismigrate.job.verify.Verifier;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry point of {@code bin/redis-migrate} and of the job jar ({@code flink run redis-migrate-job.jar run …}).
 * Parses the options, runs the subcommand and turns expected failures into one line on stderr and an exit code:
 * 0 success, 1 job failure (or differences found by verify), 2 usage error, 3 precheck or connection failure.
 * With {@code REDIS_MIGRATE_DEBUG=1} the full stack trace follows the line.
 */
public final class Main {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_PRECHECK = 3;

    static final String PROGRAM = "redis-migrate";

    /** Subcommand → implementation. */
    static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put(MigrationOptions.RUN, MigrationJob::run);
        COMMANDS.put(MigrationOptions.PRECHECK, Precheck::execute);
        COMMANDS.put(MigrationOptions.VERIFY, Verifier::execute);
        COMMANDS.put(MigrationOptions.STATUS, StatusCommand::execute);
    }

    private Main() {}

    public static void main(String[] args) {
        if (ownsJvm()) {
            int code = execute(args, System.out, System.err);
            System.out.flush();
            System.err.flush();
            System.exit(code);
        }
        // inside a JobManager (REST /jars/:id/run, application mode) System.exit would end the JobManager:
        // return on success; on failure throw with the error line, which Flink hands to the submitter
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(new TeeOutputStream(System.err, errors), true, StandardCharsets.UTF_8);
        int code = execute(args, System.out, err);
        System.out.flush();
        err.flush();
        if (code != EXIT_OK) {
            String line = errors.toString(StandardCharsets.UTF_8).lines().findFirst().orElse(PROGRAM + ": exit " + code);
            throw new IllegalStateException(line + " (exit " + code + ")");
        }
    }

    private static final class TeeOutputStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;
        TeeOutputStream(OutputStream a, OutputStream b) { this.a = a; this.b = b; }
        @Override public void write(int x) throws IOException { a.write(x); b.write(x); }
        @Override public void write(byte[] buf, int off, int len) throws IOException { a.write(buf, off, len); b.write(buf, off, len); }
        @Override public void flush() throws IOException { a.flush(); b.flush(); }
    }

    /**
     * Whether this JVM was started for this program: by {@code java … Main} (bin/redis-migrate) or by Flink's
     * command line client ({@code flink run}, which calls main on its own main thread), so that the exit code
     * may end it.
     */
    static boolean ownsJvm() {
        StackTraceElement[] stack = Thread.currentThread().getStackTrace();
        String entry = stack.length == 0 ? "" : stack[stack.length - 1].getClassName();
        return entry.equals(Main.class.getName()) || entry.equals("org.apache.flink.client.cli.CliFrontend");
    }

    /** Everything {@link #main} does except exiting the JVM; returns the exit code. */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        return execute(args, out, err, "1".equals(System.getenv("REDIS_MIGRATE_DEBUG")));
    }

    static int execute(String[] args, PrintStream out, PrintStream err, boolean debug) {
        if (args.length == 0) {
            err.print(MigrationOptions.usage());
            return EXIT_USAGE;
        }
        try {
            MigrationOptions options = MigrationOptions.parse(args);
            if (options.help()) {
                out.print(MigrationOptions.usage());
                return EXIT_OK;
            }
            for (String warning : options.warnings()) err.println(PROGRAM + ": " + warning);
            Command command = COMMANDS.get(options.subcommand());
            return command.execute(options, out, err);
        } catch (Throwable t) {
            return report(t, err, debug);
        }
    }

    /** Prints one line for {@code t} (and the stack trace when debugging) and returns its exit code. */
    static int report(Throwable t, PrintStream err, boolean debug) {
        int code;
        String message;
        Throwable expected = find(t, UsageException.class, RedisAccessException.class, PrecheckFailedException.class);
        if (expected instanceof UsageException) {
            code = EXIT_USAGE;
            message = expected.getMessage() + " (see " + PROGRAM + " --help)";
        } else if (expected != null) {
            code = EXIT_PRECHECK;
            message = expected.getMessage();
        } else {
            code = EXIT_FAILURE;
            Throwable root = t;
            Throwable ours = null; // the deepest message written by this tool names the node ("source …", "target …")
            for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
                root = c;
                String m = c.getMessage();
                if (m != null && (m.startsWith("source ") || m.startsWith("target "))) ours = c;
            }
            Throwable shown = ours != null ? ours : root;
            String m = shown.getMessage();
            message = (m == null || m.isBlank()) ? shown.getClass().getName() : m;
            if (ours != null && root != ours && root.getMessage() != null && !m.contains(root.getMessage())) {
                message += " (" + root.getMessage() + ")";
            }
            message = "failed: " + message;
        }
        err.println(PROGRAM + ": " + oneLine(message));
        if (debug) t.printStackTrace(err);
        return code;
    }

    @SafeVarargs
    private static Throwable find(Throwable t, Class<? extends Throwable>... types) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(c)) return c;
            }
        }
        return null;
    }

    public static String oneLine(String s) {
        return RedisEndpoint.redact(s.replaceAll("\\s*[\r\n]+\\s*", " ").trim());
    }
}
