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

/** {@code redis-migrate run …} in a child JVM (Main on the test class path), so a test can SIGKILL or SIGTERM it. */
public final class ChildJob implements AutoCloseable {
    private static final Pattern JOB_ID = Pattern.compile("job ([0-9a-f]{32}) running");
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ChildJob(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public static ChildJob start(String... args) throws IOException {
        Path dir = Files.createTempDirectory("redis-migrate-job");
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        String log4j = "";
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("flink-conf").resolve("log4j-console.properties");
            if (Files.isRegularFile(f)) { log4j = f.toString(); break; }
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m", "-XX:+UseSerialGC", "-Dlog4j.configurationFile=" + log4j,
                "-cp", System.getProperty("java.class.path"), "io.redismigrate.job.Main"));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("FLINK_CONF_DIR");
        pb.environment().put("REDIS_MIGRATE_DEBUG", "1");
        return new ChildJob(pb.start(), out, err);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    public String output() {
        String err = read(stderr);
        return "--- stdout ---\n" + read(stdout) + "--- stderr ---\n" + (err.length() > 8000 ? "…" + err.substring(err.length() - 8000) : err);
    }

    public String log() {
        return read(stdout) + read(stderr);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = JOB_ID.matcher(read(stdout));
            if (m.find()) return m.group(1);
            if (!process.isAlive()) throw new AssertionError("the job exited (" + process.exitValue() + ") before running\n" + output());
            Thread.sleep(50);
        }
        throw new AssertionError("the job did not start within " + timeout + "\n" + output());
    }

    /** SIGTERM: stop with a savepoint; asserts exit 0. */
    public void stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the job did not stop within " + timeout + "\n" + output());
        }
        if (process.exitValue() != 0) throw new AssertionError("stop exited " + process.exitValue() + "\n" + output());
    }

    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** The newest complete retained checkpoint {@code chk-N} under {@code dir/<jobId>}, or null. */
    public static Path latestCheckpoint(Path dir, String jobId) {
        File[] chks = dir.resolve(jobId).toFile().listFiles(f -> f.isDirectory() && f.getName().startsWith("chk-")
                && new File(f, "_metadata").isFile());
        if (chks == null || chks.length == 0) return null;
        File best = chks[0];
        for (File f : chks) if (Long.parseLong(f.getName().substring(4)) > Long.parseLong(best.getName().substring(4))) best = f;
        return best.toPath();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
