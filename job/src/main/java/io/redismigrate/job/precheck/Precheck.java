package io.redismigrate.job.precheck;

import io.redismigrate.connector.command.CommandDialect;
import io.redismigrate.connector.command.DialectRule;
import io.redismigrate.connector.resp.ClusterTopology;
import io.redismigrate.connector.resp.RedisAccessException;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.rdb.RdbConstants;
import io.redismigrate.connector.resp.RedisVersions;
import io.redismigrate.connector.resp.ServerInfo;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.resp.RespReader;
import io.redismigrate.job.Keyspace;
import io.redismigrate.job.MigrationOptions;
import io.redismigrate.job.Sizes;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks that a migration can start: both nodes reachable with the given credentials, versions and RDB formats,
 * permissions, topology, memory, the source's resume window (stream modes; takes {@link ResumeWindow#sampleInterval}),
 * the target's persistence and whether the target DBs in scope are empty. An unreachable node or a refused
 * password is not a row but a {@link RedisAccessException} (fail fast, exit 3).
 *
 * <p>Used by the {@code precheck} subcommand ({@link #execute}) and at the start of {@code run}
 * ({@link #ensurePassed}).
 */
public final class Precheck {
    private static final int TIMEOUT_MS = RedisConnection.DEFAULT_CONNECT_TIMEOUT_MS;

    private final MigrationOptions options;
    /** The savepoint or checkpoint the job is restored from (--from-savepoint, flink run -s), or null. */
    private final String restoredFrom;

    public Precheck(MigrationOptions options) {
        this(options, options.fromSavepoint());
    }

    public Precheck(MigrationOptions options, String restoredFrom) {
        this.options = options;
        this.restoredFrom = restoredFrom;
    }

    /** Set: the resume window is not sampled inline but handed here (nodes, cluster source) to sample later. */
    private java.util.function.BiConsumer<List<RedisEndpoint>, Boolean> deferredWindow;

    /**
     * As {@link #ensurePassed(MigrationOptions, String)} for {@code run}: the resume window (a 2 s sample, never a
     * failure) is sampled in the background while the job starts, and its rows go to {@code later}.
     */
    public static List<CheckResult> ensurePassedSamplingLater(MigrationOptions options, String restoredFrom,
                                                             java.util.function.Consumer<CheckResult> later)
            throws IOException, PrecheckFailedException {
        Precheck p = new Precheck(options, restoredFrom);
        p.deferredWindow = (nodes, cluster) -> {
            Thread t = new Thread(() -> {
                try {
                    for (CheckResult r : ResumeWindow.check(nodes, cluster)) later.accept(r);
                } catch (IOException | RuntimeException e) {
                    later.accept(CheckResult.skip("source resume window", "not sampled: " + e.getMessage()));
                }
            }, "redis-migrate-resume-window");
            t.setDaemon(true);
            t.start();
        };
        List<CheckResult> results = p.runAll();
        CheckResult failed = firstFailure(results);
        if (failed != null) throw failure(failed);
        return results;
    }

    /** {@code precheck} subcommand: prints the table; exit 0 without FAIL rows, else a one-line reason and exit 3. */
    public static int execute(MigrationOptions options, PrintStream out, PrintStream err)
            throws IOException, PrecheckFailedException {
        List<CheckResult> results = new Precheck(options).runAll();
        out.print(table(results));
        CheckResult failed = firstFailure(results);
        if (failed != null) throw failure(failed);
        return 0;
    }

    /**
     * Runs every check and throws for the first FAIL row; returns all rows (for logging) when none failed.
     *
     * @throws RedisAccessException when a node is unreachable or refuses the credentials
     * @throws PrecheckFailedException naming the first failed check and its fix
     */
    public static List<CheckResult> ensurePassed(MigrationOptions options) throws IOException, PrecheckFailedException {
        return ensurePassed(options, options.fromSavepoint());
    }

    /**
     * As {@link #ensurePassed(MigrationOptions)} for a job restored from {@code restoredFrom} (null: a new
     * migration): a restored job's target holds its own keys, so the empty-target check is skipped (the sink
     * checks its fences on the target instead, see RedisSink).
     */
    public static List<CheckResult> ensurePassed(MigrationOptions options, String restoredFrom)
            throws IOException, PrecheckFailedException {
        List<CheckResult> results = new Precheck(options, restoredFrom).runAll();
        CheckResult failed = firstFailure(results);
        if (failed != null) throw failure(failed);
        return results;
    }

    private static CheckResult firstFailure(List<CheckResult> results) {
        for (CheckResult r : results) {
            if (r.failed()) return r;
        }
        return null;
    }

    private static PrecheckFailedException failure(CheckResult r) {
        return new PrecheckFailedException("precheck failed: " + r.check() + ": " + r.detail());
    }

    /** All checks, in table order. */
    public List<CheckResult> runAll() throws IOException {
        List<CheckResult> results = new ArrayList<>();
        try (RedisConnection source = RedisConnection.open(options.source(), "source", TIMEOUT_MS);
             RedisConnection target = RedisConnection.open(options.target(), "target", TIMEOUT_MS)) {
            results.add(CheckResult.ok("source reachable", options.source() + ", " + credentials(options.source())));
            Node src = Node.read(source);
            results.add(CheckResult.ok("target reachable", options.target() + ", " + credentials(options.target())));
            Node tgt = Node.read(target);

            results.add(sourceVersion(src));
            ClusterTopology cluster = src.cluster ? ClusterTopology.read(source) : null;
            Map<Integer, Long> srcKeys;
            int srcDatabases;
            List<RedisEndpoint> readNodes = new ArrayList<>(); // the nodes the job replicates from
            if (cluster == null) {
                readNodes.add(options.source());
                results.add(topology("source", src));
                results.add(psyncPermission(source, src));
                results.add(disklessDelay(source, src));
                srcKeys = Keyspace.keyCounts(source);
                srcDatabases = Keyspace.databases(source);
            } else {
                results.add(sourceCluster(cluster));
                srcKeys = new TreeMap<>();
                long used = 0;
                List<CheckResult> psync = new ArrayList<>();
                List<CheckResult> delay = new ArrayList<>();
                for (ClusterTopology.Shard shard : cluster.shards()) {
                    RedisEndpoint read = readNode(shard);
                    readNodes.add(read);
                    // every shard's node must answer with the credentials: unreachable fails fast (exit 3)
                    try (RedisConnection c = RedisConnection.open(read, "source", TIMEOUT_MS)) {
                        Node n = Node.read(c);
                        psync.add(prefixed(read, psyncPermission(c, n)));
                        delay.add(prefixed(read, disklessDelay(c, n)));
                    }
                    try (RedisConnection m = RedisConnection.open(shard.master(), "source", TIMEOUT_MS)) {
                        for (Map.Entry<Integer, Long> e : Keyspace.keyCounts(m).entrySet()) srcKeys.merge(e.getKey(), e.getValue(), Long::sum);
                        used += Node.read(m).usedMemory;
                    }
                }
                src.usedMemory = used;
                results.add(worst("source PSYNC permission", psync, "on every shard's " + (options.sourcePreferReplica() ? "replica" : "master")));
                results.add(worst("source repl-diskless-sync-delay", delay, "on every shard's " + (options.sourcePreferReplica() ? "replica" : "master")));
                srcDatabases = 1; // a cluster has DB 0 only
            }
            results.add(targetVersion(tgt));
            results.add(topology("target", tgt));
            results.add(targetWritable(tgt));
            results.add(decodingPath(src, tgt));
            results.addAll(TargetFit.check(source, readNodes, cluster != null, src.server, tgt.server));
            if (options.mode().includesStream()) results.add(streamCommands(source, src, tgt));
            results.add(memory(src, tgt));
            boolean stream = options.mode().includesStream();
            if (stream && deferredWindow != null) deferredWindow.accept(readNodes, cluster != null);
            else if (stream) results.addAll(ResumeWindow.check(readNodes, cluster != null));
            results.addAll(TargetPersistence.check(target, tgt.cluster, stream));
            results.addAll(scope(srcDatabases, srcKeys, cluster != null, target, tgt.cluster));
        }
        return results;
    }

    /** What INFO says about one node. */
    private static final class Node {
        ServerInfo server;
        String version;
        int rdb;
        String role;
        String mode;
        boolean cluster;
        String masterHost;
        String masterPort;
        long usedMemory;
        long maxMemory;
        String maxMemoryPolicy;

        static Node read(RedisConnection c) throws IOException {
            Node n = new Node();
            Map<String, String> server = c.info("server");
            n.server = ServerInfo.of(server);
            n.version = n.server.version();
            n.mode = server.getOrDefault("redis_mode", server.getOrDefault("server_mode", "standalone"));
            n.rdb = n.server.rdb();
            Map<String, String> repl = c.info("replication");
            n.role = repl.getOrDefault("role", "master");
            n.masterHost = repl.get("master_host");
            n.masterPort = repl.get("master_port");
            n.cluster = "1".equals(c.info("cluster").get("cluster_enabled")) || "cluster".equals(n.mode);
            Map<String, String> memory = c.info("memory");
            n.usedMemory = parseLong(memory.get("used_memory"));
            n.maxMemory = parseLong(memory.get("maxmemory"));
            n.maxMemoryPolicy = memory.getOrDefault("maxmemory_policy", "noeviction");
            return n;
        }

        boolean replica() {
            return "slave".equals(role) || "replica".equals(role);
        }
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String credentials(RedisEndpoint e) {
        if (!e.hasPassword()) return "connected without a password";
        String from = e.passwordSource() != null ? " from " + e.passwordSource() : "";
        return e.user() == null ? "connected with a password" + from : "connected as user '" + e.user() + "'" + from;
    }

    private CheckResult sourceVersion(Node src) {
        String check = "source version";
        String detail = name(src.server) + ", role " + role(src) + ", RDB " + (src.rdb < 0 ? "unknown" : src.rdb);
        if (src.rdb < 0) {
            return CheckResult.fail(check, detail + "; Redis older than 2.4 (or an unknown server) cannot be migrated");
        }
        if (src.server.valkey() && src.rdb > ServerInfo.VALKEY_RDB) {
            return CheckResult.fail(check, detail + "; this build reads Valkey's own format up to RDB " + ServerInfo.VALKEY_RDB
                    + " (Valkey 9.0/9.1), so it cannot read this source's snapshot yet");
        }
        if (!src.server.valkey() && src.rdb > RedisVersions.MAX_SUPPORTED_RDB) {
            return CheckResult.fail(check, detail + "; this build reads RDB up to " + RedisVersions.MAX_SUPPORTED_RDB
                    + " (Redis 8.6), so it cannot read this source's snapshot yet");
        }
        return CheckResult.ok(check, detail);
    }

    private static String role(Node n) {
        return n.replica() ? "replica of " + n.masterHost + ":" + n.masterPort : "master";
    }

    private CheckResult topology(String side, Node n) {
        String check = side + " topology";
        if ("sentinel".equals(n.mode)) {
            return CheckResult.fail(check, "this is a Sentinel, not a data node; give the --" + side + " URI of the master");
        }
        if (n.cluster) {
            return CheckResult.ok(check, "Redis Cluster (only DB 0; writes are routed by slot to the masters)");
        }
        return CheckResult.ok(check, "standalone");
    }

    private CheckResult sourceCluster(ClusterTopology t) {
        List<String> parts = new ArrayList<>();
        for (ClusterTopology.Shard s : t.shards()) {
            parts.add(s.master() + " (slots " + s.slotsText() + ", " + s.replicas().size() + " replicas)");
        }
        int covered = 0;
        for (ClusterTopology.Shard s : t.shards()) covered += s.slotCount();
        if (t.shards().isEmpty()) {
            return CheckResult.fail("source topology", "cluster node, but no shard serves any slot: fix the cluster"
                    + " (CLUSTER SHARDS) before migrating");
        }
        String detail = "cluster, " + t.shards().size() + " shards: " + String.join(", ", parts);
        if (covered < io.redismigrate.connector.event.Slots.SLOT_COUNT) {
            return CheckResult.fail("source topology", detail + "; only " + covered + " of 16384 slots are served: "
                    + "fix the cluster (CLUSTER SHARDS) before migrating");
        }
        if (options.sourcePreferReplica()) {
            for (ClusterTopology.Shard s : t.shards()) {
                if (s.replicas().isEmpty()) {
                    return CheckResult.warn("source topology", detail + "; --source-prefer replica: the shard with slots "
                            + s.slotsText() + " has no healthy replica and is read from its master");
                }
            }
        }
        return CheckResult.ok("source topology", detail);
    }

    /** The node a shard is read from: its master, or with --source-prefer replica one of its replicas. */
    private RedisEndpoint readNode(ClusterTopology.Shard shard) {
        if (!options.sourcePreferReplica() || shard.replicas().isEmpty()) return shard.master();
        return shard.replicas().get(0); // healthy first, then by address (as the reader picks)
    }

    static CheckResult prefixed(RedisEndpoint node, CheckResult r) {
        return new CheckResult(r.check(), r.status(), node + ": " + r.detail());
    }

    /** One row for the checks of every shard: the first FAIL, else the first WARN/SKIP, else OK. */
    private static CheckResult worst(String check, List<CheckResult> rows, String where) {
        for (CheckResult r : rows) if (r.failed()) return r;
        for (CheckResult r : rows) if (!"OK".equals(String.valueOf(r.status()))) return r;
        return CheckResult.ok(check, rows.isEmpty() ? where : rows.get(0).detail().replaceFirst("^[^ ]+: ", "") + " (" + where + ")");
    }

    private CheckResult psyncPermission(RedisConnection c, Node src) throws IOException {
        String check = "source PSYNC permission";
        if (!src.server.atLeastRedis(7, 0)) {
            return CheckResult.skip(check, "ACL DRYRUN needs Redis 7 or newer; the permission is checked when the job starts");
        }
        String user = options.source().user() == null ? "default" : options.source().user();
        String[][] probes = {{"PSYNC", "?", "-1"}, {"REPLCONF", "capa", "eof"}};
        for (String[] probe : probes) {
            String[] args = new String[probe.length + 3];
            args[0] = "ACL";
            args[1] = "DRYRUN";
            args[2] = user;
            System.arraycopy(probe, 0, args, 3, probe.length);
            Object reply = c.call(args);
            if (reply instanceof RespError) {
                return CheckResult.skip(check, "cannot check (" + ((RespError) reply).code() + " on ACL DRYRUN);"
                        + " the permission is checked when the job starts");
            }
            if (!"OK".equals(RespReader.text(reply))) {
                return CheckResult.fail(check, "user '" + user + "' may not run " + probe[0] + " (" + RespReader.text(reply)
                        + "); grant it with ACL SETUSER " + user + " +psync +replconf");
            }
        }
        return CheckResult.ok(check, "user '" + user + "' may run PSYNC and REPLCONF");
    }

    private CheckResult disklessDelay(RedisConnection c, Node src) throws IOException {
        String check = "source repl-diskless-sync-delay";
        String diskless = Keyspace.config(c, "repl-diskless-sync");
        String delay = Keyspace.config(c, "repl-diskless-sync-delay");
        if (diskless == null || delay == null) {
            return CheckResult.skip(check, "CONFIG GET refused; a diskless sync delay there adds that many seconds before the snapshot starts");
        }
        if (!"yes".equals(diskless)) {
            return CheckResult.ok(check, "disk-based sync (repl-diskless-sync no): the snapshot is written to the source's disk first");
        }
        long seconds = parseLong(delay);
        if (seconds > 0) {
            return CheckResult.warn(check, seconds + " s: every full sync waits that long before starting;"
                    + " CONFIG SET repl-diskless-sync-delay 0 on the source removes the wait");
        }
        return CheckResult.ok(check, "0 (diskless sync starts at once)");
    }

    private CheckResult targetVersion(Node tgt) {
        String check = "target version";
        int level = tgt.server.redisLevel();
        String detail = name(tgt.server) + ", reads RDB up to " + (level < 0 ? "unknown" : level);
        if (level < 0) {
            return CheckResult.fail(check, detail + "; Redis older than 2.4 (or an unknown server) cannot be a target");
        }
        return CheckResult.ok(check, detail);
    }

    private CheckResult targetWritable(Node tgt) {
        String check = "target writable";
        if (tgt.replica()) {
            return CheckResult.fail(check, "target is a " + role(tgt) + " and rejects writes; give the --target URI of its master");
        }
        return CheckResult.ok(check, "master");
    }

    private CheckResult decodingPath(Node src, Node tgt) {
        String check = "decoding path";
        int level = tgt.server.redisLevel();
        if (src.rdb > 0 && level > 0 && src.rdb > level) {
            return CheckResult.info(check, "needed: the source writes RDB " + src.rdb + ", the target reads up to RDB " + level
                    + "; values in encodings the target reads (strings, " + RdbConstants.readableTypes(level)
                    + ") pass as RESTORE payloads re-labelled RDB " + level + ", the others are rewritten as commands"
                    + " (slower than RESTORE)");
        }
        return CheckResult.ok(check, "not needed: values pass through as RESTORE payloads");
    }

    /** "redis 7.0.15", "valkey 8.1.1" (Valkey reports redis_version 7.2.4 for compatibility; its own version is shown). */
    private static String name(ServerInfo s) {
        return (s.valkey() ? "valkey " : "redis ") + s.version();
    }

    /**
     * What the source's version may replicate that the target cannot apply as is: the forms the stream phase
     * translates (INFO) and those it refuses, which stop the job when they come (WARN; FAIL where the source's data
     * makes it certain: function libraries into a target without functions).
     */
    static final String STREAM_COMMANDS = "stream command forms";

    private CheckResult streamCommands(RedisConnection source, Node src, Node tgt) throws IOException {
        List<String> translated = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        boolean functionsRefused = false;
        for (DialectRule r : CommandDialect.differences(src.server, tgt.server)) {
            if (r.refused()) refused.add(r.describe());
            else translated.add(r.describe());
            if (r.refused() && r.command().equals("FUNCTION")) functionsRefused = true;
        }
        if (translated.isEmpty() && refused.isEmpty()) {
            return CheckResult.ok(STREAM_COMMANDS, "the target applies every form " + src.server.display() + " replicates");
        }
        String detail = translated.isEmpty() ? "" : "translated for " + tgt.server.display() + ": " + String.join(", ", translated);
        if (refused.isEmpty()) return CheckResult.info(STREAM_COMMANDS, detail);
        String stop = "would stop the job if replicated (no equivalent on " + tgt.server.display() + "): " + String.join(", ", refused);
        detail = detail.isEmpty() ? stop : detail + "; " + stop;
        if (functionsRefused && source.call("FUNCTION", "LIST") instanceof List<?> libs && !libs.isEmpty()) {
            return CheckResult.fail(STREAM_COMMANDS, "the source has " + libs.size() + " function librar"
                    + (libs.size() == 1 ? "y" : "ies") + ", which " + tgt.server.display() + " cannot store (functions need"
                    + " Redis 7.0+ or Valkey); " + detail);
        }
        return CheckResult.warn(STREAM_COMMANDS, detail);
    }

    private CheckResult memory(Node src, Node tgt) {
        String check = "target memory";
        if (tgt.maxMemory <= 0) {
            return CheckResult.ok(check, "no maxmemory limit; the source uses " + Sizes.format(round(src.usedMemory)));
        }
        long free = tgt.maxMemory - tgt.usedMemory;
        String detail = "maxmemory " + Sizes.format(round(tgt.maxMemory)) + ", " + Sizes.format(round(Math.max(free, 0)))
                + " free; the source uses " + Sizes.format(round(src.usedMemory));
        if (src.usedMemory > free) {
            return CheckResult.warn(check, detail + "; the data may not fit: raise maxmemory on the target");
        }
        if (!"noeviction".equals(tgt.maxMemoryPolicy)) {
            return CheckResult.warn(check, detail + "; maxmemory-policy " + tgt.maxMemoryPolicy
                    + " may evict migrated keys: use noeviction on the target");
        }
        return CheckResult.ok(check, detail);
    }

    /** Rounds a byte count to whole KB for display. */
    private static long round(long bytes) {
        return bytes < 1024 ? bytes : (bytes + 512) / 1024 * 1024;
    }

    private List<CheckResult> scope(int srcDatabases, Map<Integer, Long> srcKeys, boolean cluster, RedisConnection target,
                                    boolean targetCluster) throws IOException {
        List<CheckResult> results = new ArrayList<>();
        int tgtDatabases = targetCluster ? 1 : Keyspace.databases(target);
        Map<Integer, Long> tgtKeys = targetCluster ? clusterKeyCounts(target) : Keyspace.keyCounts(target);

        // source DBs in scope: the listed ones, else every DB of the source
        TreeSet<Integer> srcDbs = new TreeSet<>();
        if (!options.dbs().isEmpty()) {
            srcDbs.addAll(options.dbs());
        } else {
            int n = srcDatabases > 0 ? srcDatabases : 16;
            if (cluster) n = 1;
            for (int d = 0; d < n; d++) srcDbs.add(d);
            srcDbs.addAll(srcKeys.keySet());
        }
        for (int d : srcDbs) {
            if (srcDatabases > 0 && d >= srcDatabases) {
                results.add(CheckResult.fail("source DBs in scope", "--db " + d + " does not exist: " + (cluster
                        ? "a cluster source has DB 0 only" : "the source has " + srcDatabases + " databases (0-" + (srcDatabases - 1) + ")")));
                return results;
            }
        }
        long keys = 0;
        List<String> parts = new ArrayList<>();
        for (int d : srcDbs) {
            Long n = srcKeys.get(d);
            if (n != null) {
                keys += n;
                parts.add("db" + d + "=" + n);
            }
        }
        String dbs = options.dbs().isEmpty() ? "all DBs" : "DBs " + options.dbs();
        results.add(CheckResult.ok("source DBs in scope", dbs + ", " + keys + " keys"
                + (parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")")
                + (options.includePrefixes().isEmpty() && options.excludePrefixes().isEmpty() ? "" : " before prefix filters")));

        Map<Integer, Integer> targets = new TreeMap<>(); // target DB -> source DB
        for (int d : srcDbs) targets.put(options.targetDb(d), d);
        if (targetCluster) {
            for (int d : srcDbs) {
                Long n = srcKeys.get(d);
                if (options.targetDb(d) != 0 && n != null && n > 0) {
                    results.add(CheckResult.fail("target DBs in scope", "the target is a Redis Cluster, which has only DB 0, but source db"
                            + d + " holds " + n + " keys; map it with --db-map " + d + ":0 or leave it out with --db 0"));
                    return results;
                }
            }
        }
        for (int t : targets.keySet()) {
            if (targetCluster && t != 0) continue; // empty source DBs that would map elsewhere: nothing to write
            if (tgtDatabases > 0 && t >= tgtDatabases) {
                results.add(CheckResult.fail("target DBs in scope", "source db" + targets.get(t) + " maps to target db" + t
                        + ", but the target has " + tgtDatabases + " databases; fix --db-map or raise 'databases' on the target"));
                return results;
            }
        }
        boolean overwrite = options.conflict() == MigrationOptions.Conflict.OVERWRITE;
        if (restoredFrom != null) {
            results.add(CheckResult.info("target DBs in scope", "resuming from " + restoredFrom
                    + ": the keys there are this migration's (its fences on the target are checked at start)"));
            return results;
        }
        for (Map.Entry<Integer, Long> e : tgtKeys.entrySet()) {
            if (!targets.containsKey(e.getKey())) continue;
            String where = "target db" + e.getKey() + " holds " + e.getValue() + " keys";
            if (overwrite) {
                results.add(CheckResult.warn("target DBs in scope", where + "; keys that also exist on the source will be"
                        + " overwritten (--conflict overwrite), the others stay"));
            } else {
                results.add(CheckResult.fail("target DBs in scope", where + "; empty it (FLUSHDB) or use --conflict overwrite"));
            }
        }
        if (results.size() == 1) {
            results.add(CheckResult.ok("target DBs in scope", "empty"));
        }
        return results;
    }

    /** DB 0 key count summed over the masters of a cluster target (the node given is just one of them). */
    private static Map<Integer, Long> clusterKeyCounts(RedisConnection target) throws IOException {
        Map<Integer, Long> counts = new TreeMap<>();
        for (RedisEndpoint e : io.redismigrate.job.ClusterTopology.nodes(target)) {
            try (RedisConnection c = RedisConnection.open(e, "target", TIMEOUT_MS)) {
                if (!"master".equals(c.info("replication").get("role"))) continue;
                for (Map.Entry<Integer, Long> k : Keyspace.keyCounts(c).entrySet()) counts.merge(k.getKey(), k.getValue(), Long::sum);
            }
        }
        return counts;
    }

    /** The table as printed by {@code precheck}: check | result | detail, aligned. */
    public static String table(List<CheckResult> results) {
        int w = "check".length();
        for (CheckResult r : results) w = Math.max(w, r.check().length());
        StringBuilder sb = new StringBuilder();
        String format = "%-" + w + "s | %-6s | %s%n";
        sb.append(String.format(format, "check", "result", "detail"));
        sb.append("-".repeat(w)).append("-+--------+-").append("-".repeat(40)).append(System.lineSeparator());
        for (CheckResult r : results) sb.append(String.format(format, r.check(), r.status(), r.detail()));
        return sb.toString();
    }
}
