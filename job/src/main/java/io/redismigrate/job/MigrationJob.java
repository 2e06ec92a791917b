package io.redismigrate.job;

import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.ServerInfo;
import io.redismigrate.connector.source.EarlySync;
import io.redismigrate.job.pipeline.EventScope;
import io.redismigrate.job.pipeline.MigrationPipeline;
import io.redismigrate.job.precheck.Precheck;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.PrintStream;

/**
 * {@code redis-migrate run}: checks both ends (fails fast with exit 3), builds the pipeline and runs it, embedded
 * on a local MiniCluster with the web UI when started from the command line, or on the cluster under
 * {@code flink run}. In {@code --mode full} it returns when every key is written and acknowledged and prints a
 * summary.
 */
public final class MigrationJob {
    private MigrationJob() {}

    public static int run(MigrationOptions o, PrintStream out, PrintStream err) throws Exception {
        Directories dirs = Directories.of(o, flinkConfiguration());
        // a job Flink restores (flink run -s, the Kubernetes operator's savepoint upgrade) resumes like --from-savepoint
        // what precheck would warn about (a short resume window, a target without persistence) is said here too;
        // the resume window's 2 s sample runs while the job starts
        java.util.function.Consumer<io.redismigrate.job.precheck.CheckResult> warn = r -> {
            if (r.status() == io.redismigrate.job.precheck.CheckResult.Status.WARN) {
                out.println("redis-migrate: WARN " + r.check() + ": " + r.detail());
            }
        };
        Precheck.ensurePassedSamplingLater(o, dirs.restoreFrom(), warn).forEach(warn);
        if (dirs.warning() != null) err.println("redis-migrate: WARN " + dirs.warning());
        ServerInfo targetServer;
        java.util.List<io.redismigrate.connector.resp.RedisEndpoint> clusterNodes;
        try (RedisConnection target = RedisConnection.open(o.target(), "target", RedisConnection.DEFAULT_CONNECT_TIMEOUT_MS)) {
            targetServer = ServerInfo.of(target.info("server"));
            clusterNodes = ClusterTopology.nodes(target);
        }

        RetryPolicy retry = new RetryPolicy(o.retryConnect(), o.retryOther());
        String resumeFrom = dirs.restoreFrom();
        boolean cleanFirst = false;
        String name = JobName.of(o, java.time.Instant.now());
        startSyncEarly(o, resumeFrom);
        while (true) {
            Attempt attempt = new Attempt();
            try {
                return attempt.run(o, name, dirs, resumeFrom, cleanFirst, targetServer, clusterNodes, out);
            } catch (Exception e) {
                EarlySync.discardAll();
                if (StopWithSavepoint.requested()) throw e;
                java.time.Duration wait = retry.onFailure(e, attempt.runningMillis());
                if (wait == null) throw e;
                String checkpoint = attempt.jobId == null ? null
                        : Checkpoints.latest(dirs.checkpoints(), attempt.jobId);
                if (checkpoint != null) {
                    resumeFrom = checkpoint;
                } else if (resumeFrom == null) {
                    cleanFirst = o.conflict() == MigrationOptions.Conflict.PRECHECK;
                }
                out.println("redis-migrate: " + Main.oneLine(RetryPolicy.rootMessage(e)) + "; retrying in "
                        + wait.toSeconds() + " s" + (checkpoint != null ? " from checkpoint " + checkpoint : ""));
                Thread.sleep(wait.toMillis());
            }
        }
    }

    /**
     * A new embedded run of a standalone source asks for the snapshot now ({@link EarlySync}), so the source's
     * BGSAVE and the transfer overlap the seconds the Flink runtime takes to start and deploy the job. Not for a
     * resume (it continues with PSYNC replid offset), a cluster source, or a job on a Flink cluster (its reader
     * runs in another JVM).
     */
    private static void startSyncEarly(MigrationOptions o, String resumeFrom) throws java.io.IOException {
        if (resumeFrom != null || !(StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment)) return;
        if (MigrationPipeline.sourceTopology(o.source()) != null) return;
        EarlySync.start(o.source(), MigrationPipeline.replicationConfig(o));
    }

    /** One submission of the job; remembers its id so a retry can resume from its latest checkpoint. */
    private static final class Attempt {
        volatile String jobId;
        private final long started = System.nanoTime();

        long runningMillis() {
            return (System.nanoTime() - started) / 1_000_000;
        }

        int run(MigrationOptions o, String name, Directories dirs, String resumeFrom, boolean cleanFirst, ServerInfo targetServer,
                java.util.List<io.redismigrate.connector.resp.RedisEndpoint> clusterNodes, PrintStream out)
                throws Exception {
            StreamExecutionEnvironment env = environment(o, dirs, resumeFrom, out);
            MigrationPipeline.build(env, o, targetServer, cleanFirst, clusterNodes);
            if (!o.mode().includesStream()) {
                JobClient job = env.executeAsync(name);
                jobId = job.getJobID().toString();
                if (detached(env)) return submitted(job, out);
                Thread progress = embedded ? ConsoleProgress.start(out, o.progress()) : null;
                JobExecutionResult result;
                try {
                    result = await(job);
                } finally {
                    stop(progress);
                }
                out.println(summary(counter(result, EventScope.KEYS), counter(result, EventScope.BYTES), runningMillis()));
                return Main.EXIT_OK;
            }
            JobClient job = env.executeAsync(name);
            jobId = job.getJobID().toString();
            if (detached(env)) return submitted(job, out);
            if (embedded) {
                StopWithSavepoint.install(job, dirs.savepoints(), out);
            }
            out.println("redis-migrate: job " + job.getJobID() + " running; Ctrl-C stops it with a savepoint");
            Thread progress = embedded ? ConsoleProgress.start(out, o.progress()) : null;
            try {
                await(job);
            } finally {
                stop(progress);
            }
            StopWithSavepoint.awaitReported();
            return Main.EXIT_OK;
        }

        private static void stop(Thread progress) throws InterruptedException {
            if (progress == null) return;
            progress.interrupt();
            progress.join(1000);
        }

        private static JobExecutionResult await(JobClient job) throws Exception {
            try {
                return job.getJobExecutionResult().get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
            }
        }
    }

    /** {@code redis-migrate: full migration done: 8,200 keys, 20.0 KB in 3.2 s (2.6k keys/s)}. */
    static String summary(long keys, long bytes, long millis) {
        double seconds = millis / 1e3;
        return String.format(java.util.Locale.ROOT, "redis-migrate: full migration done: %,d keys, %s in %.1f s (%s keys/s)",
                keys, HumanUnits.bytes(bytes), seconds, HumanUnits.count(seconds > 0 ? keys / seconds : 0));
    }

    /**
     * {@code flink run -d} or REST {@code /jars/:id/run} (DeploymentOptions.ATTACHED false): the job is only
     * submitted; waiting for its result would hold the client, or the JobManager's REST handler, until it ends.
     */
    static boolean detached(StreamExecutionEnvironment env) {
        return !(env instanceof LocalStreamEnvironment) && !env.getConfiguration().get(DeploymentOptions.ATTACHED);
    }

    private static int submitted(JobClient job, PrintStream out) {
        out.println("redis-migrate: job " + job.getJobID() + " submitted (detached); follow it in the Flink UI");
        return Main.EXIT_OK;
    }

    /**
     * The Flink configuration the job runs under: the cluster's under {@code flink run} or the operator (its
     * config.yaml, {@code -D} and {@code -s}), else that of {@code $FLINK_CONF_DIR} for an embedded run (empty
     * when unset).
     */
    static Configuration flinkConfiguration() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (!(env instanceof LocalStreamEnvironment)) return Configuration.fromMap(env.getConfiguration().toMap());
        String confDir = System.getenv("FLINK_CONF_DIR");
        return confDir != null ? GlobalConfiguration.loadConfiguration(confDir) : new Configuration();
    }

    private static long counter(JobExecutionResult r, String name) {
        Object v = r.getAllAccumulatorResults().get(name);
        return v instanceof Number ? ((Number) v).longValue() : 0;
    }

    /** The cluster's environment under flink run; otherwise a local MiniCluster configured from flink-conf/. */
    private static boolean embedded;
    private static boolean webUiAnnounced;
    private static boolean metricsAnnounced;

    /** Flink's Prometheus reporter, named {@code prom} as in flink-conf/config.yaml. */
    static final String PROMETHEUS_FACTORY_KEY = "metrics.reporter.prom.factory.class";
    static final String PROMETHEUS_PORT_KEY = "metrics.reporter.prom.port";
    static final String PROMETHEUS_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    /**
     * {@code --metrics-port PORT} (embedded runs): Flink's Prometheus reporter on PORT, replacing the port of a
     * {@code prom} reporter the Flink configuration may define. The reporter (flink-metrics-prometheus) has no
     * host setting: it binds to every interface. 0 leaves the configuration as it is.
     */
    static void prometheus(Configuration conf, int port) {
        if (port <= 0) return;
        conf.set(org.apache.flink.configuration.ConfigOptions.key(PROMETHEUS_FACTORY_KEY).stringType().noDefaultValue(),
                PROMETHEUS_FACTORY);
        conf.set(org.apache.flink.configuration.ConfigOptions.key(PROMETHEUS_PORT_KEY).stringType().noDefaultValue(),
                String.valueOf(port));
    }

    static StreamExecutionEnvironment environment(MigrationOptions o, Directories dirs, String resumeFrom, PrintStream out) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration jobConf = checkpointing(o, dirs, resumeFrom);
        if (!(env instanceof LocalStreamEnvironment)) {
            env.configure(jobConf);
            env.setParallelism(o.parallelism());
            return env;
        }
        embedded = true;
        Configuration conf = flinkConfiguration();
        // an expected failure (bad payload, OOM, lost connection) should end the run, not loop; retry windows
        // for lost connections are handled inside the connectors
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, Math.max(1, o.parallelism()));
        // the web UI, the REST API and `status` show metrics this fresh (Flink's default: 10 s)
        if (!conf.contains(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL)) {
            conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, java.time.Duration.ofSeconds(1));
        }
        if (!conf.contains(RestOptions.BIND_ADDRESS)) conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        prometheus(conf, o.metricsPort());
        if (o.metricsPort() > 0 && !metricsAnnounced) {
            out.println("redis-migrate: Prometheus metrics at http://127.0.0.1:" + o.metricsPort()
                    + "/ (Flink's reporter listens on all interfaces)");
            metricsAnnounced = true;
        }
        if (o.webUiPort() > 0) {
            conf.set(RestOptions.PORT, o.webUiPort());
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
            if (!webUiAnnounced) out.println("redis-migrate: Flink web UI at http://127.0.0.1:" + o.webUiPort());
            webUiAnnounced = true;
        } else {
            env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        }
        env.configure(jobConf);
        env.setParallelism(o.parallelism());
        return env;
    }

    /** Checkpoints (retained) for the stream phase, and the savepoint or checkpoint to resume from. */
    static Configuration checkpointing(MigrationOptions o, Directories dirs, String resumeFrom) {
        Configuration c = new Configuration();
        if (o.mode().includesStream()) {
            c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, o.checkpointInterval());
            c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dirs.checkpoints());
            c.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                    ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
            c.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, dirs.savepoints());
        }
        if (resumeFrom != null) c.set(StateRecoveryOptions.SAVEPOINT_PATH, resumeFrom);
        return c;
    }
}
