package io.redismigrate.job.precheck;

import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.job.Keyspace;
import io.redismigrate.job.Sizes;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How long a stopped job may stay stopped and still resume with {@code PSYNC replid offset}: the source's
 * replication backlog divided by its write rate, the rate measured from two samples of each node the job reads.
 * Past that window a resume takes a new snapshot.
 */
final class ResumeWindow {
    static final String CHECK = "source resume window";

    /**
     * A backlog covering less than this turns ordinary stops (a job restart, an upgrade, a redeploy from a
     * savepoint) into a new snapshot of the whole source.
     */
    static final Duration MIN_COVERAGE = Duration.ofMinutes(10);

    /** The stop the suggested repl-backlog-size covers at the measured rate: room for a maintenance window. */
    static final Duration SUGGESTED_COVERAGE = Duration.ofHours(1);

    /** Time between the two samples; package-private so tests can shorten it. */
    static Duration sampleInterval = Duration.ofSeconds(2);

    private static final String[] INFO_REPLICATION = {"INFO", "replication"};
    private static final String[] INFO_STATS = {"INFO", "stats"};
    /** Our own requests of one sample, counted in the source's total_net_input_bytes. */
    private static final long OWN_REQUEST_BYTES = respLength(INFO_REPLICATION) + respLength(INFO_STATS);

    private ResumeWindow() {}

    /** One row per node the job replicates from: the source, or each shard's read node of a cluster source. */
    static List<CheckResult> check(List<RedisEndpoint> nodes, boolean cluster) throws IOException {
        List<RedisConnection> connections = new ArrayList<>();
        try {
            for (RedisEndpoint e : nodes) {
                connections.add(RedisConnection.open(e, "source", RedisConnection.DEFAULT_CONNECT_TIMEOUT_MS));
            }
            List<Sample> first = new ArrayList<>();
            for (RedisConnection c : connections) first.add(Sample.read(c));
            sleep(sampleInterval); // once for all nodes
            List<CheckResult> rows = new ArrayList<>();
            for (int i = 0; i < connections.size(); i++) {
                RedisConnection c = connections.get(i);
                CheckResult r = row(c, first.get(i), Sample.read(c));
                rows.add(cluster ? Precheck.prefixed(c.endpoint(), r) : r);
            }
            return rows;
        } finally {
            for (RedisConnection c : connections) closeQuietly(c);
        }
    }

    /** One node's replication offset, its client input and when they were read. */
    private record Sample(Map<String, String> replication, long inputBytes, long nanos) {
        static Sample read(RedisConnection c) throws IOException {
            Map<String, String> replication = c.info(INFO_REPLICATION[1]);
            long input = parseLong(c.info(INFO_STATS[1]).get("total_net_input_bytes"));
            return new Sample(replication, input, System.nanoTime());
        }

        long offset() { return parseLong(replication.get("master_repl_offset")); }

        /** Without a backlog (no replica since the start) master_repl_offset does not move. */
        boolean backlogActive() { return "1".equals(replication.get("repl_backlog_active")); }
    }

    private static CheckResult row(RedisConnection c, Sample a, Sample b) throws IOException {
        double seconds = Math.max(1e-3, (b.nanos() - a.nanos()) / 1e9);
        boolean fromOffset = a.backlogActive() && b.backlogActive();
        long written = fromOffset ? b.offset() - a.offset() : b.inputBytes() - a.inputBytes() - OWN_REQUEST_BYTES;
        double rate = Math.max(0, written) / seconds;
        String over = String.format(Locale.ROOT, "%.1f s", seconds);
        StringBuilder detail = new StringBuilder("write rate ").append(Human.bytes(rate)).append("/s (")
                .append(rate > 0 ? "" : "no writes seen; ")
                .append(fromOffset ? "master_repl_offset over " + over
                        : "client input over " + over + ", an upper bound: no replication backlog yet, so master_repl_offset stands still")
                .append("), ");

        String configured = Keyspace.config(c, "repl-backlog-size");
        long backlog = configured != null ? parseLong(configured) : parseLong(b.replication().get("repl_backlog_size"));
        detail.append(configured != null ? "repl-backlog-size " : "repl_backlog_size (INFO; CONFIG GET refused) ")
                .append(Sizes.format(backlog));

        double coverage = rate > 0 ? backlog / rate : Double.POSITIVE_INFINITY;
        long ttl = ttlThatApplies(c, b);
        boolean ttlLimits = ttl > 0 && ttl < coverage;
        if (ttlLimits) {
            coverage = ttl;
            detail.append(": covers a stop of up to ").append(Human.duration(ttl)).append(" (repl-backlog-ttl ").append(ttl)
                    .append(": with no other replica the source frees its backlog that long after the job stops)");
        } else if (Double.isInfinite(coverage)) {
            detail.append(": covers a stop of any length (unbounded)");
        } else {
            detail.append(": covers a stop of ").append(coverage < 1 ? "" : "~").append(Human.duration(coverage));
        }
        if (coverage >= MIN_COVERAGE.toSeconds()) return CheckResult.info(CHECK, detail.toString());
        detail.append("; below ").append(Human.duration(MIN_COVERAGE.toSeconds()))
                .append(", so a longer stop resumes with a new snapshot; fix: ").append(fix(ttlLimits, rate));
        return CheckResult.warn(CHECK, detail.toString());
    }

    /** The commands that widen the window: lift the TTL, or a backlog of {@link #SUGGESTED_COVERAGE} at {@code rate}. */
    private static String fix(boolean ttlLimits, double rate) {
        if (ttlLimits) return "CONFIG SET repl-backlog-ttl 0 on the source, and repl-backlog-ttl 0 in its redis.conf";
        String size = Sizes.format(Human.roundUpSize(rate * SUGGESTED_COVERAGE.toSeconds()));
        return "CONFIG SET repl-backlog-size " + size + " on the source (" + Human.duration(SUGGESTED_COVERAGE.toSeconds())
                + " at this rate; size it for the peak rate), and repl-backlog-size " + size + " in its redis.conf so a restart keeps it";
    }

    /**
     * repl-backlog-ttl in seconds when it can end the window: a master with no other replica frees its backlog that
     * long after the last one left (replicas never do); 0 when it does not apply or cannot be read.
     */
    private static long ttlThatApplies(RedisConnection c, Sample s) throws IOException {
        if (!"master".equals(s.replication().get("role")) || parseLong(s.replication().get("connected_slaves")) > 0) return 0;
        return parseLong(Keyspace.config(c, "repl-backlog-ttl"));
    }

    private static long respLength(String... args) {
        long n = ("*" + args.length + "\r\n").length();
        for (String a : args) {
            int len = a.getBytes(StandardCharsets.UTF_8).length;
            n += ("$" + len + "\r\n").length() + len + 2;
        }
        return n;
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void sleep(Duration d) throws InterruptedIOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sampling the source's write rate");
        }
    }

    private static void closeQuietly(RedisConnection c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do: a precheck connection
        }
    }
}
