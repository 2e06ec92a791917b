package io.redismigrate.job;

import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisVersions;
import io.redismigrate.job.pipeline.EventScope;
import io.redismigrate.job.pipeline.MigrationPipeline;
import io.redismigrate.job.precheck.Precheck;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
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
        Precheck.ensurePassed(o);
        int targetRdb;
        boolean absTtl;
        try (RedisConnection target = RedisConnection.open(o.target(), "target", RedisConnection.DEFAULT_CONNECT_TIMEOUT_MS)) {
            String version = target.info("server").getOrDefault("redis_version", "");
            targetRdb = RedisVersions.rdbVersion(version);
            absTtl = RedisVersions.rdbVersion(version) >= 9; // RESTORE … ABSTTL since Redis 5.0
        }

        StreamExecutionEnvironment env = environment(o, out);
        MigrationPipeline.build(env, o, targetRdb, absTtl);
        long started = System.nanoTime();
        JobExecutionResult result = env.execute("redis-migrate " + o.source() + " -> " + o.target());
        double seconds = (System.nanoTime() - started) / 1e9;
        long keys = counter(result, EventScope.KEYS);
        long bytes = counter(result, EventScope.BYTES);
        out.printf("redis-migrate: full migration done: %,d keys, %.1f MB in %.1f s (%,.0f keys/s)%n",
                keys, bytes / 1e6, seconds, seconds > 0 ? keys / seconds : 0.0);
        return Main.EXIT_OK;
    }

    private static long counter(JobExecutionResult r, String name) {
        Object v = r.getAllAccumulatorResults().get(name);
        return v instanceof Number ? ((Number) v).longValue() : 0;
    }

    /** The cluster's environment under flink run; otherwise a local MiniCluster configured from flink-conf/. */
    static StreamExecutionEnvironment environment(MigrationOptions o, PrintStream out) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (!(env instanceof LocalStreamEnvironment)) {
            env.setParallelism(o.parallelism());
            return env;
        }
        Configuration conf = new Configuration();
        String confDir = System.getenv("FLINK_CONF_DIR");
        if (confDir != null) conf.addAll(GlobalConfiguration.loadConfiguration(confDir));
        // an expected failure (bad payload, OOM, lost connection) should end the run, not loop; retry windows
        // for lost connections are handled inside the connectors
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, Math.max(1, o.parallelism()));
        if (!conf.contains(RestOptions.BIND_ADDRESS)) conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        if (o.webUiPort() > 0) {
            conf.set(RestOptions.PORT, o.webUiPort());
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
            out.println("redis-migrate: Flink web UI at http://127.0.0.1:" + o.webUiPort());
        } else {
            env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        }
        env.setParallelism(o.parallelism());
        return env;
    }
}
