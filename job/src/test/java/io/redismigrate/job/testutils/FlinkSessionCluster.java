package io.redismigrate.job.testutils;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A real Flink standalone session cluster for tests: a JobManager ({@code StandaloneSessionClusterEntrypoint}) and
 * one TaskManager ({@code TaskManagerRunner}) with 2 slots, each its own JVM started with
 * {@code java -cp <job/target/classpath.txt>} (the Flink jars from Maven Central, no flink-dist). Everything binds
 * to 127.0.0.1 on free ports; the config dir, the logs and the processes' stdout/stderr live in a temp dir
 * ({@link #dir()}). The JVM memory flags come from {@code BashJavaUtils}, as Flink's own scripts do it, for small
 * processes (about 250 MB RSS each). {@link #close()} kills both process trees.
 */
public final class FlinkSessionCluster implements AutoCloseable {
    private List<Integer> prometheusPorts = List.of();
    /** {@code env.java.opts.all} of Flink's default config.yaml: Flink 2 needs these on Java 17 (Kryo, the client's translators). */
    public static final List<String> JAVA_OPTS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /**
     * Test-only: C1 only, for a quicker start of the two JVMs on a small machine (start-up is CPU bound: class
     * loading and compilation). The jobs of the tests are small.
     */
    static final List<String> FAST_START = List.of("-XX:TieredStopAtLevel=1");

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final String classpath;
    private final int restPort;
    private final List<Process> processes = new ArrayList<>();
    private int clients;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Thread shutdownHook = new Thread(this::kill, "flink-session-cluster-kill");

    private FlinkSessionCluster(Path dir, String classpath, int restPort) {
        this.dir = dir;
        this.classpath = classpath;
        this.restPort = restPort;
    }

    /**
     * Starts the cluster with the class path listed in {@code classpathFile} (job/target/classpath.txt) and waits
     * until the REST API reports one TaskManager; on failure the exception carries the tail of the logs.
     */
    public static FlinkSessionCluster start(Path classpathFile) throws IOException, InterruptedException {
        if (!Files.isRegularFile(classpathFile)) {
            throw new IllegalStateException(classpathFile + " is missing: run 'mvn -B -DskipTests package' first");
        }
        String classpath = Files.readString(classpathFile).trim();
        Path dir = Files.createTempDirectory("flink-session-cluster");
        Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("log"));
        Files.createDirectories(dir.resolve("tmp"));
        int restPort = freePort();
        int rpcPort = freePort();
        while (rpcPort == restPort) rpcPort = freePort();
        int prom1 = freePort();
        int prom2 = freePort();
        while (prom2 == prom1) prom2 = freePort();
        Files.writeString(dir.resolve("conf/config.yaml"), config(restPort, rpcPort, dir)
                // Flink's Prometheus reporter, as flink-conf/config.yaml has it: each process takes a free port of the list
                + "metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory\n"
                + "metrics.reporter.prom.port: " + prom1 + "," + prom2 + "\n");
        Files.writeString(dir.resolve("conf/log4j.properties"), LOG4J_FILE);

        FlinkSessionCluster cluster = new FlinkSessionCluster(dir, classpath, restPort);
        cluster.prometheusPorts = List.of(prom1, prom2);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            // both BashJavaUtils runs at once: each is a JVM start of its own
            CompletableFuture<List<String>> jm = cluster.resourceParamsAsync("GET_JM_RESOURCE_PARAMS");
            CompletableFuture<List<String>> tm = cluster.resourceParamsAsync("GET_TM_RESOURCE_PARAMS");
            cluster.launch("jobmanager", get(jm), "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
            cluster.launch("taskmanager", get(tm), "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
            cluster.awaitTaskManagers(1);
            return cluster;
        } catch (IOException | RuntimeException | InterruptedException e) {
            String logs = cluster.logTails();
            cluster.close();
            throw new IOException("Flink session cluster did not start: " + e.getMessage() + logs, e);
        }
    }

    static String config(int restPort, int rpcPort, Path dir) {
        return String.join("\n",
                "# generated by FlinkSessionCluster (test harness): a loopback session cluster with small processes",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + rpcPort, // the TaskManager needs the real port: 0 is rejected
                "jobmanager.bind-host: 127.0.0.1",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.host: 127.0.0.1",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
                // a single fixed port makes the second process fail; 0 lets each process take any free port
                "metrics.internal.query-service.port: 0",
                "blob.server.port: 0",
                "taskmanager.rpc.port: 0",
                "taskmanager.data.port: 0",
                // the smallest sizes BashJavaUtils accepts with the default metaspace/overhead: ≈ 250 MB RSS each
                "jobmanager.memory.process.size: 768m",
                "taskmanager.memory.process.size: 1024m",
                "taskmanager.numberOfTaskSlots: 2",
                "parallelism.default: 1",
                // a failing job should end FAILED at once, with its exception, not restart
                "restart-strategy.type: none",
                // the cluster's own state directories: a job without --checkpoint-dir/--savepoint-dir uses them
                "execution.checkpointing.dir: " + dir.resolve("checkpoints").toUri(),
                "execution.checkpointing.savepoint-dir: " + dir.resolve("savepoints").toUri(),
                "io.tmp.dirs: " + dir.resolve("tmp"),
                "env.java.opts.all: " + String.join(" ", JAVA_OPTS),
                "");
    }

    private static final String LOG4J_FILE = String.join("\n",
            "monitorInterval = 0",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = MainAppender",
            "appender.main.name = MainAppender",
            "appender.main.type = File",
            "appender.main.append = true",
            "appender.main.fileName = ${sys:log.file}",
            "appender.main.layout.type = PatternLayout",
            "appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %notEmpty{[job %X{flink-job-id}] }%c{1} - %m%n",
            "");

    private static List<String> get(CompletableFuture<List<String>> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException(e.getCause());
        }
    }

    private CompletableFuture<List<String>> resourceParamsAsync(String command) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return resourceParams(command);
            } catch (IOException e) {
                throw new CompletionException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
        });
    }

    private void launch(String name, List<String> params, String mainClass) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.addAll(Arrays.asList(params.get(0).trim().split("\\s+")));
        cmd.addAll(JAVA_OPTS);
        cmd.addAll(FAST_START);
        cmd.add("-Dlog.file=" + dir.resolve("log/" + name + ".log"));
        cmd.add("-Dredis-migrate.progress-log-interval=2000");
        cmd.add("-Dlog4j.configurationFile=" + dir.resolve("conf/log4j.properties").toUri());
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.add("--configDir");
        cmd.add(confDir().toString());
        // the second line holds the derived memory sizes as dynamic properties: "-D key=value ..."
        cmd.addAll(Arrays.asList(params.get(1).trim().split("\\s+")));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log/" + name + ".out").toFile()).start();
        processes.add(p);
    }

    /** The two result lines of {@code BashJavaUtils <command> --configDir conf}: JVM flags, then dynamic properties. */
    private List<String> resourceParams(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(javaExecutable(), FAST_START.get(0), "-cp", classpath,
                "org.apache.flink.runtime.util.bash.BashJavaUtils", command, "--configDir", confDir().toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        List<String> results = new ArrayList<>();
        String prefix = "BASH_JAVA_UTILS_EXEC_RESULT:";
        for (String line : out.split("\n")) {
            if (line.startsWith(prefix)) results.add(line.substring(prefix.length()));
        }
        if (results.size() != 2) {
            String first = out.lines().filter(l -> !l.isBlank()).findFirst().orElse("no output");
            throw new IOException("BashJavaUtils " + command + " failed: " + first);
        }
        return results;
    }

    private void awaitTaskManagers(int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Process p : processes) {
                if (!p.isAlive()) throw new IOException("a process exited with code " + p.exitValue());
            }
            try {
                if (rest("/overview").path("taskmanagers").asInt() >= count) return;
            } catch (IOException notYet) {
                // the REST endpoint is not up yet
            }
            Thread.sleep(200);
        }
        throw new IOException("no TaskManager registered within " + START_TIMEOUT.toSeconds() + " s");
    }

    /**
     * The command line of Flink's client ({@code CliFrontend}) for this cluster, as the {@code flink} script
     * builds it: {@code clientCommand("run", "-m", ..., jar, args...)}. Run it with {@code FLINK_CONF_DIR} set to
     * {@link #confDir()} (see {@link #client}); its log goes to {@code log/client-<n>.log}.
     */
    public List<String> clientCommand(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.addAll(JAVA_OPTS);
        cmd.addAll(FAST_START);
        cmd.add("-Dlog.file=" + dir.resolve("log/client-" + (++clients) + ".log"));
        cmd.add("-Dlog4j.configurationFile=" + dir.resolve("conf/log4j.properties").toUri());
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add("org.apache.flink.client.cli.CliFrontend");
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    /** A {@link ProcessBuilder} for {@link #clientCommand}, with FLINK_CONF_DIR set, stdout and stderr kept apart. */
    public ProcessBuilder client(String... args) {
        ProcessBuilder b = new ProcessBuilder(clientCommand(args));
        b.environment().put("FLINK_CONF_DIR", confDir().toString());
        return b;
    }

    /** GET on the REST API, for example {@code rest("/jobs/overview")}. */
    public JsonNode rest(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(restUrl() + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
        return JSON.readTree(r.body());
    }

    /** Ids of the jobs the cluster knows, in any state. */
    public Set<String> jobIds() throws IOException, InterruptedException {
        Set<String> ids = new HashSet<>();
        for (JsonNode job : rest("/jobs/overview").path("jobs")) ids.add(job.path("jid").asText());
        return ids;
    }

    /** The state of a job (RUNNING, FINISHED, FAILED, ...). */
    public String jobState(String jobId) throws IOException, InterruptedException {
        return rest("/jobs/" + jobId).path("state").asText();
    }

    /** The root exception of a job as Flink reports it, or "" when there is none. */
    public String rootException(String jobId) throws IOException, InterruptedException {
        JsonNode e = rest("/jobs/" + jobId + "/exceptions");
        JsonNode history = e.path("exceptionHistory").path("entries");
        if (history.size() > 0) return history.get(0).path("stacktrace").asText();
        return e.path("root-exception").asText("");
    }

    public String restUrl() { return "http://127.0.0.1:" + restPort; }
    /** The ports the processes' Prometheus reporters may listen on (each takes the first free one). */
    public List<Integer> prometheusPorts() { return prometheusPorts; }
    /** The TaskManager's log file. */
    public Path taskManagerLog() { return dir.resolve("log/taskmanager.log"); }
    public int restPort() { return restPort; }
    public Path dir() { return dir; }
    public Path confDir() { return dir.resolve("conf"); }
    public String classpath() { return classpath; }

    /** The last lines of every log and output file, for failure messages. */
    public String logTails() {
        StringBuilder b = new StringBuilder();
        try (var files = Files.list(dir.resolve("log"))) {
            for (Path f : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
                b.append("\n--- ").append(f).append(" (last 30 lines) ---\n");
                for (String l : lines.subList(Math.max(0, lines.size() - 30), lines.size())) b.append(l).append('\n');
            }
        } catch (IOException | UncheckedIOException e) {
            b.append("\n(logs unreadable: ").append(e.getMessage()).append(')');
        }
        return b.toString();
    }

    /** Kills both processes and their descendants (TaskManager first); the logs stay in {@link #dir()}. */
    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    private void kill() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroy(); // SIGTERM: a clean shutdown, then SIGKILL after a grace period
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = s.getLocalPort();
                if (port != 6379) return port;
            }
        }
    }
}
