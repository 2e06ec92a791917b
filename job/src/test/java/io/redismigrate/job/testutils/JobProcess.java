package io.redismigrate.job.testutils;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code redis-migrate run …} as a child JVM (exactly what {@code bin/redis-migrate} starts: {@code Main} on the
 * test class path, which holds the job classes and the Flink runtime), so a test can stop it with SIGTERM
 * (stop-with-savepoint) or kill it with SIGKILL. stdout and stderr go to files.
 */
public final class JobProcess implements AutoCloseable {
    private static final Pattern JOB_ID = Pattern.compile("job ([0-9a-f]{32}) running");
    private static final Pattern SAVEPOINT = Pattern.compile("savepoint: (\\S+)");

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final List<String> args;

    private JobProcess(Process process, Path stdout, Path stderr, List<String> args) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.args = args;
    }

    /** Starts {@code Main} with {@code args} (e.g. {@code run --source … --target …}). */
    public static JobProcess start(String... args) throws IOException {
        return start(null, List.of(), args);
    }

    /** Starts {@code Main} in a JVM with the extra {@code jvmArgs} (e.g. {@code -Dname=value}). */
    public static JobProcess startWithJvmArgs(List<String> jvmArgs, String... args) throws IOException {
        return start(null, jvmArgs, args);
    }

    /**
     * Starts {@code Main} with {@code $FLINK_CONF_DIR} pointing at a config.yaml holding {@code flinkConf} (one
     * {@code key: value} per entry), as an operator's own Flink configuration would.
     */
    public static JobProcess startWithFlinkConf(java.util.Map<String, String> flinkConf, String... args) throws IOException {
        Path confDir = Files.createTempDirectory("redis-migrate-flink-conf");
        StringBuilder yaml = new StringBuilder();
        flinkConf.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
        Files.writeString(confDir.resolve("config.yaml"), yaml.toString());
        return start(confDir, List.of(), args);
    }

    private static JobProcess start(Path flinkConfDir, List<String> jvmArgs, String... args) throws IOException {
        Path dir = Files.createTempDirectory("redis-migrate-job");
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        String classPath = System.getProperty("java.class.path");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m", "-XX:+UseSerialGC",
                "-Dlog4j.configurationFile=" + log4jConfig()));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", classPath, "io.redismigrate.job.Main"));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("FLINK_CONF_DIR");
        if (flinkConfDir != null) pb.environment().put("FLINK_CONF_DIR", flinkConfDir.toString());
        pb.environment().put("REDIS_MIGRATE_DEBUG", "1"); // stack traces in the output of failed runs
        return new JobProcess(pb.start(), out, err, List.of(args));
    }

    private static String log4jConfig() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("flink-conf").resolve("log4j-console.properties");
            if (Files.isRegularFile(f)) return f.toString();
        }
        return "";
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Both streams together, for searching what the job printed or logged. */
    public String log() {
        return stdout() + stderr();
    }

    /** Output of both streams, for assertion messages. */
    public String output() {
        String err = stderr();
        // what Main printed (the one-line failure) first: with REDIS_MIGRATE_DEBUG the tail is mostly stack traces
        String own = String.join("\n", err.lines().filter(l -> l.startsWith("redis-migrate:")).toList());
        return "args: " + args + "\n--- stdout ---\n" + stdout() + (own.isEmpty() ? "" : "--- stderr, redis-migrate lines ---\n" + own + "\n")
                + "--- stderr ---\n" + tail(err, 8000);
    }

    private static String tail(String s, int n) {
        return s.length() <= n ? s : "…" + s.substring(s.length() - n);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Waits until the job is running (its id printed), or fails with the output if it exited or timed out. */
    public String awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = JOB_ID.matcher(stdout());
            if (m.find()) return m.group(1);
            if (!process.isAlive()) throw new AssertionError("the job exited (" + process.exitValue() + ") before running\n" + output());
            Thread.sleep(50);
        }
        throw new AssertionError("the job did not start within " + timeout + "\n" + output());
    }

    /** Waits until stderr (the log) contains {@code text}. */
    public void awaitLog(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (stderr().contains(text) || stdout().contains(text)) return;
            if (!process.isAlive()) throw new AssertionError("the job exited (" + process.exitValue() + ") before logging '" + text + "'\n" + output());
            Thread.sleep(50);
        }
        throw new AssertionError("'" + text + "' not logged within " + timeout + "\n" + output());
    }

    /** SIGTERM: the job stops with a savepoint; returns the savepoint path it printed. Asserts exit 0. */
    public String stopWithSavepoint(Duration timeout) throws InterruptedException {
        stop(timeout);
        Matcher m = SAVEPOINT.matcher(stdout());
        if (!m.find()) throw new AssertionError("no savepoint path printed\n" + output());
        return m.group(1);
    }

    /** SIGTERM: the job stops (with a savepoint); asserts exit 0. */
    public void stop(Duration timeout) throws InterruptedException {
        process.destroy();
        int exit = waitFor(timeout);
        if (exit != 0) throw new AssertionError("stop exited " + exit + "\n" + output());
    }

    /** SIGKILL, as a crash. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the process to exit; returns its exit code. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("the job did not exit within " + timeout + "\n" + output());
        }
        return process.exitValue();
    }

    /**
     * The newest complete retained checkpoint under {@code checkpointDir/<jobId>/}: the {@code chk-N} directory with
     * the highest N that has a {@code _metadata} file; null when there is none (yet).
     */
    public static Path latestCheckpoint(Path checkpointDir, String jobId) {
        File[] chks = checkpointDir.resolve(jobId).toFile().listFiles(f -> f.isDirectory() && f.getName().startsWith("chk-")
                && new File(f, "_metadata").isFile());
        if (chks == null || chks.length == 0) return null;
        File best = null;
        for (File f : chks) {
            if (best == null || num(f) > num(best)) best = f;
        }
        return best.toPath();
    }

    private static long num(File chk) {
        return Long.parseLong(chk.getName().substring(4));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
