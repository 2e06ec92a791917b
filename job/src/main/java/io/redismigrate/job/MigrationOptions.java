package io.redismigrate.job;

import io.redismigrate.connector.resp.Pem;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.resp.TlsSettings;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the command line (DESIGN.md §1) and a {@code --config} file say, validated. Immutable and
 * serializable so the pipeline can ship it to operators. Built only by {@link #parse(String...)}.
 *
 * <p>{@link #toString()} never shows a password.
 */
public final class MigrationOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String RUN = "run";
    public static final String PRECHECK = "precheck";
    public static final String VERIFY = "verify";
    public static final String STATUS = "status";
    private static final List<String> COMMANDS = List.of(RUN, PRECHECK, VERIFY, STATUS);
    /** Options only {@code status} takes. */
    private static final List<String> STATUS_OPTIONS = List.of("rest", "job", "wait-caught-up", "max-lag", "timeout");
    public static final Duration DEFAULT_STATUS_TIMEOUT = Duration.ofMinutes(10);

    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_PARALLELISM = 1;
    public static final int DEFAULT_WEB_UI_PORT = 8081;
    public static final Duration DEFAULT_RETRY_CONNECT = Duration.ofMinutes(720);
    public static final Duration DEFAULT_RETRY_OTHER = Duration.ofMinutes(10);
    public static final long DEFAULT_BIG_KEY_THRESHOLD = 64L << 20;
    public static final String DEFAULT_HEARTBEAT_KEY_PREFIX = "__redis_migrate:heartbeat";
    public static final Duration DEFAULT_TTL_MARGIN = Duration.ofMinutes(5);

    /** What to migrate: the snapshot, the replication stream after it, or both. */
    public enum Mode {
        FULL("full"), FULL_INCREMENTAL("full+incremental"), INCREMENTAL("incremental");

        private final String cliName;

        Mode(String cliName) { this.cliName = cliName; }

        public String cliName() { return cliName; }

        /** The RDB snapshot is written to the target. */
        public boolean includesSnapshot() { return this != INCREMENTAL; }

        /** The replication stream is applied after the snapshot; the job runs until stopped. */
        public boolean includesStream() { return this != FULL; }
    }

    /** What to do when target DBs in scope already hold keys. */
    public enum Conflict {
        PRECHECK("precheck"), OVERWRITE("overwrite");

        private final String cliName;

        Conflict(String cliName) { this.cliName = cliName; }

        public String cliName() { return cliName; }
    }

    /** Console progress of an embedded run: a redrawn line on a terminal, else a line every 10 s; plain; none. */
    public enum ProgressMode {
        AUTO("auto"), PLAIN("plain"), NONE("none");

        private final String cliName;

        ProgressMode(String cliName) { this.cliName = cliName; }

        public String cliName() { return cliName; }
    }

    /** SWITCH: a flag on the command line, {@code true}/{@code false} in a config file. */
    private enum Kind { VALUE, LIST, FLAG, SWITCH }

    /** Option name (without --) → kind; LIST options are repeatable (db and db-map also split on commas). */
    static final Map<String, Kind> OPTIONS = new LinkedHashMap<>();

    static {
        for (String v : new String[] {"source", "target", "mode", "checkpoint-dir", "checkpoint-interval", "savepoint-dir",
                "from-savepoint", "parallelism", "web-ui-port", "metrics-port", "ttl-extend", "ttl-margin", "conflict", "full-rps", "full-mbps",
                "incr-rps", "incr-mbps", "retry-connect", "retry-other", "config", "big-key-threshold", "spool-dir",
                "heartbeat-key-prefix", "publish", "source-prefer", "source-password-file", "target-password-file", "progress",
                "rest", "job", "max-lag", "timeout"}) {
            OPTIONS.put(v, Kind.VALUE);
        }
        for (String l : new String[] {"db", "db-map", "include-prefix", "exclude-prefix"}) OPTIONS.put(l, Kind.LIST);
        OPTIONS.put("help", Kind.FLAG);
        OPTIONS.put("wait-caught-up", Kind.SWITCH);
        for (String side : new String[] {"source-", "target-", ""}) {
            for (String t : new String[] {"tls-ca-cert", "tls-cert", "tls-key"}) OPTIONS.put(side + t, Kind.VALUE);
            OPTIONS.put(side + "tls-skip-verify", Kind.SWITCH);
        }
    }

    private final String subcommand;
    private final boolean help;
    private final String configFile;
    private final RedisEndpoint source;
    private final RedisEndpoint target;
    private final Mode mode;
    private final String checkpointDir;
    private final Duration checkpointInterval;
    private final String savepointDir;
    private final String fromSavepoint;
    private final int parallelism;
    private final int webUiPort;
    private final int metricsPort;
    private final List<Integer> dbs;
    private final Map<Integer, Integer> dbMap;
    private final List<String> includePrefixes;
    private final List<String> excludePrefixes;
    private final Duration ttlExtend;
    private final Duration ttlMargin;
    private final Conflict conflict;
    private final long fullRps;
    private final double fullMbps;
    private final long incrRps;
    private final double incrMbps;
    private final Duration retryConnect;
    private final Duration retryOther;
    private final long bigKeyThreshold;
    private final String spoolDir;
    private final String heartbeatKeyPrefix;
    private final boolean forwardPublish;
    private final boolean sourcePreferReplica;
    private final ProgressMode progress;
    private final String restUrl;
    private final String jobId;
    private final boolean waitCaughtUp;
    private final Duration maxLag;
    private final Duration statusTimeout;
    private final List<String> warnings = new ArrayList<>();

    private MigrationOptions(Values v) throws UsageException {
        this.help = v.has("help");
        this.subcommand = v.subcommand;
        this.configFile = v.single("config");
        if (help) {
            // --help needs nothing else; leave the rest at defaults where they parse
            this.source = null;
            this.target = null;
        } else {
            if (subcommand == null) {
                throw new UsageException("missing command: run, precheck, verify or status");
            }
            for (String name : STATUS_OPTIONS) {
                if (!subcommand.equals(STATUS) && v.has(name) && v.origin(name).startsWith("--")) {
                    throw new UsageException("--" + name + " is an option of status, not of " + subcommand);
                }
            }
            if (subcommand.equals(STATUS)) {
                // status reads the job over Flink's REST API: no Redis endpoint is needed (a shared --config may hold them)
                this.source = null;
                this.target = null;
            } else {
                this.source = Tls.apply(v, "source", endpoint(v, "source"), endpoint(v, "target"), warnings);
                this.target = Tls.apply(v, "target", endpoint(v, "target"), source, warnings);
            }
        }
        this.mode = choice(v, "mode", Mode.values(), Mode.FULL_INCREMENTAL);
        this.checkpointDir = path(v, "checkpoint-dir");
        this.checkpointInterval = duration(v, "checkpoint-interval", DEFAULT_CHECKPOINT_INTERVAL, Duration.ofMillis(10));
        this.savepointDir = path(v, "savepoint-dir");
        this.fromSavepoint = path(v, "from-savepoint");
        this.parallelism = (int) number(v, "parallelism", DEFAULT_PARALLELISM, 1, 4096);
        this.webUiPort = (int) number(v, "web-ui-port", DEFAULT_WEB_UI_PORT, 0, 65535);
        this.metricsPort = (int) number(v, "metrics-port", 0, 0, 65535);
        this.dbs = dbList(v);
        this.dbMap = dbMap(v);
        this.includePrefixes = prefixes(v, "include-prefix");
        this.excludePrefixes = prefixes(v, "exclude-prefix");
        this.ttlExtend = duration(v, "ttl-extend", Duration.ZERO, Duration.ZERO);
        this.ttlMargin = duration(v, "ttl-margin", DEFAULT_TTL_MARGIN, Duration.ZERO);
        this.conflict = choice(v, "conflict", Conflict.values(), Conflict.PRECHECK);
        this.fullRps = number(v, "full-rps", 0, 0, Long.MAX_VALUE);
        this.fullMbps = decimal(v, "full-mbps");
        this.incrRps = number(v, "incr-rps", 0, 0, Long.MAX_VALUE);
        this.incrMbps = decimal(v, "incr-mbps");
        this.retryConnect = duration(v, "retry-connect", DEFAULT_RETRY_CONNECT, Duration.ZERO);
        this.retryOther = duration(v, "retry-other", DEFAULT_RETRY_OTHER, Duration.ZERO);
        this.bigKeyThreshold = size(v, "big-key-threshold", DEFAULT_BIG_KEY_THRESHOLD);
        String spool = path(v, "spool-dir");
        this.spoolDir = spool != null ? spool : Paths.get(System.getProperty("java.io.tmpdir"), "redis-migrate-spool").toString();
        String hb = v.single("heartbeat-key-prefix");
        if (hb != null && hb.isEmpty()) throw new UsageException(v.origin("heartbeat-key-prefix") + " must not be empty");
        this.heartbeatKeyPrefix = hb != null ? hb : DEFAULT_HEARTBEAT_KEY_PREFIX;
        String publish = v.single("publish");
        if (publish != null && !publish.equals("on") && !publish.equals("off")) {
            throw new UsageException(v.origin("publish") + " must be on or off (got '" + publish + "')");
        }
        this.forwardPublish = !"off".equals(publish);
        String prefer = v.single("source-prefer");
        if (prefer != null && !prefer.equals("master") && !prefer.equals("replica")) {
            throw new UsageException(v.origin("source-prefer") + " must be master or replica (got '" + prefer + "')");
        }
        this.sourcePreferReplica = "replica".equals(prefer);
        this.progress = choice(v, "progress", ProgressMode.values(), ProgressMode.AUTO);
        this.restUrl = restUrl(v, webUiPort, !help && STATUS.equals(subcommand));
        String job = v.single("job");
        if (job != null && !job.trim().matches("[0-9a-fA-F]{32}")) {
            throw new UsageException(v.origin("job") + " must be a Flink job id (32 hex digits, got '" + job + "')");
        }
        this.jobId = job == null ? null : job.trim().toLowerCase(Locale.ROOT);
        this.waitCaughtUp = v.has("wait-caught-up") && Tls.bool(v, "wait-caught-up");
        this.maxLag = v.has("max-lag") ? duration(v, "max-lag", null, Duration.ZERO) : null;
        this.statusTimeout = duration(v, "timeout", DEFAULT_STATUS_TIMEOUT, Duration.ofSeconds(1));
        if (maxLag != null && !waitCaughtUp && v.origin("max-lag").startsWith("--")) {
            throw new UsageException("--max-lag needs --wait-caught-up (it says what caught up means)");
        }

        if (!help && source != null && source.host().equalsIgnoreCase(target.host()) && source.port() == target.port() && dbMap.isEmpty()) {
            throw new UsageException("--source and --target are the same node (" + source + "); give a different --target"
                    + " (or --db-map to copy between DBs of one node)");
        }
    }

    // ------------------------------------------------------------------ parsing

    /**
     * Parses {@code [run|precheck|verify] [--option value | --option=value]…}. A {@code --config} file supplies
     * defaults for any option; a flag given on the command line replaces the file's value (for a repeatable
     * option, all of the file's values).
     */
    public static MigrationOptions parse(String... args) throws UsageException {
        Values flags = new Values();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                flags.put("help", "true", "--help");
                continue;
            }
            if (a.startsWith("--")) {
                String name = a.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                Kind kind = OPTIONS.get(name);
                if (kind == null) throw new UsageException("unknown option '--" + name + "'" + suggestion(name));
                if (kind == Kind.FLAG || kind == Kind.SWITCH) {
                    if (value != null) throw new UsageException("--" + name + " takes no value");
                    flags.put(name, "true", "--" + name);
                    continue;
                }
                if (value == null) {
                    if (i + 1 >= args.length || (args[i + 1].startsWith("--") && args[i + 1].length() > 2)) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                if (kind == Kind.VALUE && flags.raw.containsKey(name)) {
                    throw new UsageException("--" + name + " is given twice");
                }
                flags.put(name, value, "--" + name);
            } else if (a.startsWith("-") && a.length() > 1) {
                throw new UsageException("unknown option '" + a + "' (options start with --)");
            } else if (flags.subcommand == null) {
                if (!COMMANDS.contains(a)) {
                    throw new UsageException("unknown command '" + a + "': use run, precheck, verify or status");
                }
                flags.subcommand = a;
            } else {
                throw new UsageException("unexpected argument '" + RedisEndpoint.redact(a) + "' (one command only; options start with --)");
            }
        }
        Values merged = flags;
        String config = flags.single("config");
        if (config != null && !flags.has("help")) {
            Path file = Paths.get(config);
            Map<String, List<String>> fromFile = ConfigFile.read(file);
            merged = new Values();
            merged.subcommand = flags.subcommand;
            for (Map.Entry<String, List<String>> e : fromFile.entrySet()) {
                String key = e.getKey();
                Kind kind = OPTIONS.get(key);
                String origin = "'" + key + "' in " + file;
                if (kind == null || key.equals("config")) {
                    throw new UsageException("--config: unknown key '" + key + "' in " + file + suggestion(key));
                }
                if ((kind == Kind.VALUE || kind == Kind.SWITCH) && e.getValue().size() != 1) {
                    throw new UsageException(origin + " needs exactly one value");
                }
                if (kind == Kind.FLAG) {
                    throw new UsageException("--config: '" + key + "' cannot be set in a config file");
                }
                for (String value : e.getValue()) merged.put(key, value, origin);
            }
            for (Map.Entry<String, List<String>> e : flags.raw.entrySet()) {
                merged.raw.put(e.getKey(), e.getValue()); // flags win, replacing all of the file's values
                merged.origins.put(e.getKey(), flags.origins.get(e.getKey()));
            }
        }
        return new MigrationOptions(merged);
    }

    private static String suggestion(String name) {
        String best = null;
        int bestDistance = 3;
        for (String o : OPTIONS.keySet()) {
            int d = distance(name, o);
            if (d < bestDistance) {
                bestDistance = d;
                best = o;
            }
        }
        return best == null ? "" : " (did you mean --" + best + "?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Raw values by option name, plus where each came from (for messages). */
    private static final class Values {
        String subcommand;
        final Map<String, List<String>> raw = new LinkedHashMap<>();
        final Map<String, String> origins = new LinkedHashMap<>();

        void put(String name, String value, String origin) {
            raw.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            origins.put(name, origin);
        }

        boolean has(String name) { return raw.containsKey(name); }

        String single(String name) {
            List<String> l = raw.get(name);
            return l == null ? null : l.get(l.size() - 1);
        }

        List<String> all(String name) { return raw.getOrDefault(name, List.of()); }

        String origin(String name) { return origins.getOrDefault(name, "--" + name); }
    }

    /**
     * The TLS options of one side: {@code --SIDE-tls-…}, else the shared {@code --tls-…} (the certificate and key
     * as a pair). Files are checked here (they must exist and parse) so a mistake is a usage error naming the
     * option; connections read them again, so rotated files apply.
     */
    private static final class Tls {
        static RedisEndpoint apply(Values v, String side, RedisEndpoint e, RedisEndpoint other, List<String> warnings)
                throws UsageException {
            for (String t : new String[] {"tls-ca-cert", "tls-cert", "tls-key", "tls-skip-verify"}) {
                if (v.has(side + "-" + t) && !e.tls()) {
                    throw new UsageException(v.origin(side + "-" + t) + " needs TLS on the " + side
                            + ": use a rediss:// --" + side + " URI");
                }
                if (v.has(t) && !e.tls() && !other.tls()) {
                    throw new UsageException(v.origin(t) + " needs TLS: use rediss:// in --source or --target");
                }
            }
            if (!e.tls()) return e;
            String ca = pick(v, side + "-tls-ca-cert", "tls-ca-cert");
            boolean own = v.has(side + "-tls-cert") || v.has(side + "-tls-key");
            String cert = own ? side + "-tls-cert" : "tls-cert";
            String key = own ? side + "-tls-key" : "tls-key";
            if (v.has(cert) != v.has(key)) {
                String given = v.has(cert) ? cert : key;
                throw new UsageException(v.origin(given) + " needs --" + (v.has(cert) ? key : cert) + " too (a client"
                        + " certificate and its key go together)");
            }
            String skipOption = pick(v, side + "-tls-skip-verify", "tls-skip-verify");
            boolean skip = skipOption != null && bool(v, skipOption);
            if (skip) {
                warnings.add("WARN: " + v.origin(skipOption) + ": the " + side + "'s TLS certificate and host name are"
                        + " not checked; the connection is open to impersonation (man in the middle)");
            }
            if (ca != null) file(v, ca, false);
            if (v.has(cert)) {
                file(v, cert, false);
                file(v, key, true);
            }
            return e.withTls(new TlsSettings(ca == null ? null : v.single(ca), v.single(cert), v.single(key), skip));
        }

        /** The option that applies: the side's own, else the shared one, else null. */
        private static String pick(Values v, String own, String shared) {
            return v.has(own) ? own : v.has(shared) ? shared : null;
        }

        static boolean bool(Values v, String name) throws UsageException {
            String s = v.single(name).trim();
            if (s.equals("true")) return true;
            if (s.equals("false")) return false;
            throw new UsageException(v.origin(name) + " must be true or false (got '" + s + "')");
        }

        private static void file(Values v, String name, boolean privateKey) throws UsageException {
            String f = v.single(name);
            if (f.isBlank()) throw new UsageException(v.origin(name) + " must not be empty");
            Path p = Paths.get(f);
            if (!Files.isRegularFile(p)) throw new UsageException(v.origin(name) + ": file " + f + " does not exist");
            if (!Files.isReadable(p)) throw new UsageException(v.origin(name) + ": file " + f + " is not readable");
            try {
                if (privateKey) Pem.privateKey(p);
                else Pem.certificates(p);
            } catch (IOException e) {
                throw new UsageException(v.origin(name) + ": " + e.getMessage());
            }
        }
    }

    /** Environment variable holding the password of a side ("source", "target") whose URI has none. */
    public static String passwordEnv(String side) {
        return "REDIS_MIGRATE_" + side.toUpperCase(Locale.ROOT) + "_PASSWORD";
    }

    /**
     * The --source/--target endpoint. Its password comes from the URI, else from --SIDE-password-file (read at
     * each connection, in the process connecting), else from the environment variable {@link #passwordEnv}
     * when it is set here; the two references keep the password itself off the command line and the job graph.
     */
    private static RedisEndpoint endpoint(Values v, String name) throws UsageException {
        String uri = v.single(name);
        if (uri == null) {
            throw new UsageException("--" + name + " is required (redis://[[user]:password@]host:port)");
        }
        RedisEndpoint e;
        try {
            e = RedisEndpoint.parse(uri);
        } catch (IllegalArgumentException ex) {
            throw new UsageException(v.origin(name) + ": " + RedisEndpoint.redact(ex.getMessage()));
        }
        String fileOption = name + "-password-file";
        String file = v.single(fileOption);
        if (file != null) {
            if (e.password() != null) {
                throw new UsageException(v.origin(fileOption) + " and a password in " + v.origin(name)
                        + " both given; keep one");
            }
            java.nio.file.Path p = Paths.get(file);
            if (!java.nio.file.Files.isReadable(p) || java.nio.file.Files.isDirectory(p)) {
                throw new UsageException(v.origin(fileOption) + ": cannot read " + p.toAbsolutePath());
            }
            return e.withPasswordFile(file);
        }
        String env = passwordEnv(name);
        if (e.password() == null && System.getenv(env) != null) return e.withPasswordEnv(env);
        return e;
    }

    /**
     * status: --rest as given (an http(s) URL, trailing / dropped), else the embedded web UI of --web-ui-port on
     * this machine.
     */
    private static String restUrl(Values v, int webUiPort, boolean needed) throws UsageException {
        String s = v.single("rest");
        if (s == null) {
            if (needed && webUiPort == 0) {
                throw new UsageException("--web-ui-port 0 means the job serves no REST API; give the job's --rest URL");
            }
            return "http://127.0.0.1:" + webUiPort;
        }
        String url = s.trim().replaceAll("/+$", "");
        if (url.matches("(?i)[a-z]+://[^/]*@.*")) {
            throw new UsageException(v.origin("rest") + ": a URL with credentials (user:password@) is not supported; give"
                    + " http://HOST:PORT of the JobManager's REST API");
        }
        if (!url.matches("(?i)https?://[^/\\s]+(/\\S*)?")) {
            throw new UsageException(v.origin("rest") + " must be an http:// or https:// URL (got '" + RedisEndpoint.redact(s) + "')");
        }
        return url;
    }

    private static <E extends Enum<E>> E choice(Values v, String name, E[] values, E def) throws UsageException {
        String s = v.single(name);
        if (s == null) return def;
        List<String> names = new ArrayList<>();
        for (E e : values) {
            String cli = e instanceof Mode ? ((Mode) e).cliName() : e instanceof Conflict ? ((Conflict) e).cliName()
                    : ((ProgressMode) e).cliName();
            if (cli.equals(s.trim().toLowerCase(Locale.ROOT))) return e;
            names.add(cli);
        }
        String list = names.size() == 2 ? names.get(0) + " or " + names.get(1)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
        throw new UsageException(v.origin(name) + " must be " + list + " (got '" + s + "')");
    }

    private static String path(Values v, String name) throws UsageException {
        String s = v.single(name);
        if (s == null) return null;
        if (s.isBlank()) throw new UsageException(v.origin(name) + " must not be empty");
        return s.trim();
    }

    private static Duration duration(Values v, String name, Duration def, Duration min) throws UsageException {
        String s = v.single(name);
        if (s == null) return def;
        Duration d;
        try {
            d = Durations.parse(s);
        } catch (IllegalArgumentException e) {
            throw new UsageException(v.origin(name) + ": " + e.getMessage());
        }
        if (d.compareTo(min) < 0) {
            throw new UsageException(v.origin(name) + " must be at least " + Durations.format(min) + " (got '" + s + "')");
        }
        return d;
    }

    private static long number(Values v, String name, long def, long min, long max) throws UsageException {
        String s = v.single(name);
        if (s == null) return def;
        long n;
        try {
            n = Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(v.origin(name) + " must be a whole number (got '" + s + "')");
        }
        if (n < min || n > max) {
            throw new UsageException(v.origin(name) + " must be between " + min + " and " + max + " (got '" + s + "')");
        }
        return n;
    }

    private static double decimal(Values v, String name) throws UsageException {
        String s = v.single(name);
        if (s == null) return 0;
        double d;
        try {
            d = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(v.origin(name) + " must be a number of MB per second (got '" + s + "')");
        }
        if (!(d >= 0) || Double.isInfinite(d)) {
            throw new UsageException(v.origin(name) + " must be 0 (no limit) or more (got '" + s + "')");
        }
        return d;
    }

    private static long size(Values v, String name, long def) throws UsageException {
        String s = v.single(name);
        if (s == null) return def;
        long n;
        try {
            n = Sizes.parse(s);
        } catch (IllegalArgumentException e) {
            throw new UsageException(v.origin(name) + ": " + e.getMessage());
        }
        if (n <= 0) throw new UsageException(v.origin(name) + " must be more than 0 (got '" + s + "')");
        return n;
    }

    private static int dbNumber(Values v, String name, String s) throws UsageException {
        try {
            int n = Integer.parseInt(s.trim());
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new UsageException(v.origin(name) + ": '" + s + "' is not a DB number (0, 1, 2, …)");
    }

    private static List<Integer> dbList(Values v) throws UsageException {
        List<Integer> out = new ArrayList<>();
        for (String value : v.all("db")) {
            for (String item : value.split(",")) {
                if (item.isBlank()) throw new UsageException(v.origin("db") + ": empty item in '" + value + "' (use a list like 0,1,5 or 0-3)");
                int dash = item.indexOf('-', 1);
                if (dash > 0) {
                    int from = dbNumber(v, "db", item.substring(0, dash));
                    int to = dbNumber(v, "db", item.substring(dash + 1));
                    if (to < from) throw new UsageException(v.origin("db") + ": range '" + item.trim() + "' runs backwards");
                    for (int d = from; d <= to; d++) if (!out.contains(d)) out.add(d);
                } else {
                    int d = dbNumber(v, "db", item);
                    if (!out.contains(d)) out.add(d);
                }
            }
        }
        Collections.sort(out);
        return Collections.unmodifiableList(out);
    }

    private static Map<Integer, Integer> dbMap(Values v) throws UsageException {
        Map<Integer, Integer> out = new TreeMap<>();
        Map<Integer, Integer> reverse = new TreeMap<>();
        for (String value : v.all("db-map")) {
            for (String item : value.split(",")) {
                int colon = item.indexOf(':');
                if (colon < 0) {
                    throw new UsageException(v.origin("db-map") + ": '" + item.trim() + "' is not FROM:TO (for example 0:1,2:3)");
                }
                int from = dbNumber(v, "db-map", item.substring(0, colon));
                int to = dbNumber(v, "db-map", item.substring(colon + 1));
                if (out.containsKey(from) && out.get(from) != to) {
                    throw new UsageException(v.origin("db-map") + ": source DB " + from + " is mapped twice");
                }
                if (reverse.containsKey(to) && reverse.get(to) != from) {
                    throw new UsageException(v.origin("db-map") + ": source DBs " + reverse.get(to) + " and " + from
                            + " both map to target DB " + to);
                }
                out.put(from, to);
                reverse.put(to, from);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static List<String> prefixes(Values v, String name) throws UsageException {
        List<String> out = new ArrayList<>();
        for (String p : v.all(name)) {
            if (p.isEmpty()) throw new UsageException(v.origin(name) + " must not be empty");
            out.add(p);
        }
        return Collections.unmodifiableList(out);
    }

    // ------------------------------------------------------------------ getters

    /** run, precheck, verify or status; null only with --help. */
    public String subcommand() { return subcommand; }

    public boolean help() { return help; }

    /** The --config file, or null. */
    public String configFile() { return configFile; }

    public RedisEndpoint source() { return source; }

    public RedisEndpoint target() { return target; }

    public Mode mode() { return mode; }

    /** --checkpoint-dir as given, or null (then the pipeline chooses). */
    public String checkpointDir() { return checkpointDir; }

    public Duration checkpointInterval() { return checkpointInterval; }

    /** --savepoint-dir as given, or null. */
    public String savepointDir() { return savepointDir; }

    /** --from-savepoint as given, or null. */
    public String fromSavepoint() { return fromSavepoint; }

    /** {@link #checkpointDir()} as a URI Flink accepts (a plain path becomes an absolute file: URI), or null. */
    public String checkpointDirUri() { return toUri(checkpointDir); }

    public String savepointDirUri() { return toUri(savepointDir); }

    public String fromSavepointUri() { return toUri(fromSavepoint); }

    static String toUri(String pathOrUri) {
        if (pathOrUri == null) return null;
        if (pathOrUri.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*")) return pathOrUri; // a URI (file:/…, s3://…), not a relative path
        return Paths.get(pathOrUri).toAbsolutePath().normalize().toUri().toString();
    }

    public int parallelism() { return parallelism; }

    /** Port of the embedded web UI; 0 means no web UI. */
    public int webUiPort() { return webUiPort; }

    /**
     * Port of the Prometheus reporter of an embedded run ({@code --metrics-port}); 0 means none. Flink's reporter
     * has no host setting: it listens on every interface.
     */
    public int metricsPort() { return metricsPort; }

    /** Source DBs in scope, sorted; empty means every DB. */
    public List<Integer> dbs() { return dbs; }

    /** Source DB → target DB, from --db-map; DBs not listed keep their number. */
    public Map<Integer, Integer> dbMap() { return dbMap; }

    /** True when source DB {@code db} is migrated. */
    public boolean dbInScope(int db) { return dbs.isEmpty() || dbs.contains(db); }

    /** The target DB that source DB {@code db} is written to. */
    public int targetDb(int db) { return dbMap.getOrDefault(db, db); }

    public List<String> includePrefixes() { return includePrefixes; }

    public List<String> excludePrefixes() { return excludePrefixes; }

    /**
     * True when a key passes the prefix filters: it starts with one of the include prefixes (or there are none)
     * and with none of the exclude prefixes. Prefixes are compared as UTF-8 bytes. Heartbeat keys are a separate
     * matter: see {@link #isToolKey(byte[])}.
     */
    public boolean keyInScope(byte[] key) {
        if (!includePrefixes.isEmpty()) {
            boolean any = false;
            for (String p : includePrefixes) {
                if (startsWith(key, p)) {
                    any = true;
                    break;
                }
            }
            if (!any) return false;
        }
        for (String p : excludePrefixes) {
            if (startsWith(key, p)) return false;
        }
        return true;
    }

    /**
     * True for the tool's own keys: the heartbeat it writes on the source and the exactly-once fences it keeps on
     * the target ({@code __redis_migrate:fence:*}, and the per-key fences of cluster targets
     * {@code __redis_migrate:kfence:*}); they are never migrated or verified.
     */
    public boolean isToolKey(byte[] key) {
        return startsWith(key, heartbeatKeyPrefix) || startsWith(key, FENCE_KEY_PREFIX) || startsWith(key, KEY_FENCE_PREFIX);
    }

    /** Prefix of the exactly-once fence keys on the target (see OffsetFence and ClusterFences in the connectors). */
    public static final String FENCE_KEY_PREFIX = "__redis_migrate:fence:";
    /** Prefix of a cluster target's per-key fences (hashes; see ClusterFences in the connectors). */
    public static final String KEY_FENCE_PREFIX = "__redis_migrate:kfence:";

    /** Called for every key of the snapshot: ASCII prefixes (the usual case) are compared without encoding them. */
    private static boolean startsWith(byte[] key, String prefix) {
        int n = prefix.length();
        if (key.length < n) return false;
        for (int i = 0; i < n; i++) {
            char c = prefix.charAt(i);
            if (c >= 0x80) return startsWithEncoded(key, prefix);
            if (key[i] != (byte) c) return false;
        }
        return true;
    }

    private static boolean startsWithEncoded(byte[] key, String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        if (key.length < p.length) return false;
        for (int i = 0; i < p.length; i++) {
            if (key[i] != p[i]) return false;
        }
        return true;
    }

    /** Added to every TTL written to the target; zero by default. */
    public Duration ttlExtend() { return ttlExtend; }

    /** --ttl-margin as given (default 5m); see {@link #ttlMarginApplied()} for what is applied. */
    public Duration ttlMargin() { return ttlMargin; }

    /**
     * The margin added on top of --ttl-extend to every TTL written, so that the source's own DEL/HDEL of an expired
     * key (carried by the stream) removes it on the target, not the target's expiry racing a refresh that is still
     * in flight: --ttl-margin when a stream phase follows, zero with --mode full (no DEL will follow).
     */
    public Duration ttlMarginApplied() { return mode.includesStream() ? ttlMargin : Duration.ZERO; }

    public Conflict conflict() { return conflict; }

    /** Commands per second during the snapshot; 0 means no limit. */
    public long fullRps() { return fullRps; }

    /** MB (2^20 bytes) per second written during the snapshot; 0 means no limit. */
    public double fullMbps() { return fullMbps; }

    /** Commands per second during the incremental phase; 0 means no limit. */
    public long incrRps() { return incrRps; }

    /** MB per second during the incremental phase; 0 means no limit. */
    public double incrMbps() { return incrMbps; }

    /** How long lost connections are retried after the job has started. */
    public Duration retryConnect() { return retryConnect; }

    /** How long other transient failures (OOM, BUSY, LOADING, …) are retried. */
    public Duration retryOther() { return retryOther; }

    /** Values larger than this (bytes) take the decoding path and are written in chunks. */
    public long bigKeyThreshold() { return bigKeyThreshold; }

    /** Local directory for the replication spool (default: $TMPDIR/redis-migrate-spool). */
    public String spoolDir() { return spoolDir; }

    public String heartbeatKeyPrefix() { return heartbeatKeyPrefix; }

    /** Whether PUBLISH commands of the replication stream are forwarded to the target (--publish on|off). */
    public boolean forwardPublish() { return forwardPublish; }

    /** --source-prefer replica: read each shard of a cluster source from a replica instead of its master. */
    public boolean sourcePreferReplica() { return sourcePreferReplica; }

    /** --progress: how an embedded run shows its progress on the console. */
    public ProgressMode progress() { return progress; }

    /** status: the base URL of Flink's REST API (no trailing /). */
    public String restUrl() { return restUrl; }

    /** status: --job as given (lower case), or null for the only running redis-migrate job. */
    public String jobId() { return jobId; }

    /** status: --wait-caught-up. */
    public boolean waitCaughtUp() { return waitCaughtUp; }

    /** status: --max-lag, or null (then caught up means phase 2 on every split). */
    public Duration maxLag() { return maxLag; }

    /** status: --timeout of --wait-caught-up (default 10m). */
    public Duration statusTimeout() { return statusTimeout; }

    /** Lines to print at start ({@code WARN: …}), e.g. for a TLS check turned off. */
    public List<String> warnings() { return Collections.unmodifiableList(warnings); }

    /** One line for logs; endpoints as host:port only. */
    @Override
    public String toString() {
        return "MigrationOptions{" + subcommand + ", source=" + source + ", target=" + target + ", mode=" + mode.cliName()
                + ", checkpointDir=" + checkpointDir + ", checkpointInterval=" + Durations.format(checkpointInterval)
                + ", savepointDir=" + savepointDir + ", fromSavepoint=" + fromSavepoint + ", parallelism=" + parallelism
                + ", webUiPort=" + webUiPort + ", metricsPort=" + metricsPort + ", dbs=" + (dbs.isEmpty() ? "all" : dbs) + ", dbMap=" + dbMap
                + ", includePrefixes=" + includePrefixes + ", excludePrefixes=" + excludePrefixes
                + ", ttlExtend=" + Durations.format(ttlExtend) + ", ttlMargin=" + Durations.format(ttlMargin) + ", conflict=" + conflict.cliName()
                + ", fullRps=" + fullRps + ", fullMbps=" + fullMbps + ", incrRps=" + incrRps + ", incrMbps=" + incrMbps
                + ", retryConnect=" + Durations.format(retryConnect) + ", retryOther=" + Durations.format(retryOther)
                + ", bigKeyThreshold=" + Sizes.format(bigKeyThreshold) + ", spoolDir=" + spoolDir
                + ", heartbeatKeyPrefix=" + heartbeatKeyPrefix + ", sourcePrefer=" + (sourcePreferReplica ? "replica" : "master")
                + ", progress=" + progress.cliName() + "}";
    }

    /** The --help text. */
    public static String usage() {
        return String.join("\n",
                "Usage:",
                "  redis-migrate run      --source URI --target URI [options]   migrate (snapshot, then the replication stream)",
                "  redis-migrate precheck --source URI --target URI [options]   check both sides, print a table; exit 0 or 3",
                "  redis-migrate verify   --source URI --target URI [options]   compare source and target; exit 0 or 1",
                "  redis-migrate status   [--rest URL] [--job ID] [--wait-caught-up [--max-lag DUR]] [--timeout DUR]",
                "                         phase, progress, lag and applied offset of a running job (Flink's REST API)",
                "",
                "URI: redis://[[user]:password@]host:port   (rediss:// for TLS)",
                "",
                "Options (durations: 500ms, 10s, 5m, 2h; sizes: 512kb, 64mb, 1gb):",
                "  --source URI                 source node; for a cluster any one node (required)",
                "  --target URI                 target node (required)",
                "  --source-password-file FILE  the source's password, read at each connection (instead of the URI's;",
                "                               else env REDIS_MIGRATE_SOURCE_PASSWORD); --target-password-file alike",
                "  --mode MODE                  full | full+incremental | incremental (default full+incremental)",
                "  --checkpoint-dir DIR         retained checkpoints (path or URI)",
                "  --checkpoint-interval DUR    default 10s",
                "  --savepoint-dir DIR          where Ctrl-C / SIGTERM writes a savepoint",
                "  --from-savepoint PATH        resume from a savepoint or retained checkpoint",
                "  --parallelism N              default 1",
                "  --web-ui-port PORT           embedded Flink web UI, default 8081; 0 = none",
                "  --metrics-port PORT          embedded run: Prometheus metrics at http://HOST:PORT/ (Flink's reporter;",
                "                               listens on all interfaces); default 0 = off",
                "  --db LIST                    source DBs to migrate, e.g. 0,1,5 or 0-3 (default all)",
                "  --db-map FROM:TO[,...]       write source DB FROM into target DB TO",
                "  --include-prefix P           only keys starting with P (repeatable)",
                "  --exclude-prefix P           skip keys starting with P (repeatable)",
                "  --ttl-extend DUR             add DUR to every TTL written (default 0s)",
                "  --ttl-margin DUR             with a stream phase, also add DUR to every TTL written, so the source's",
                "                               DEL removes expired keys, not the target's clock (default 5m; 0s = exact)",
                "  --conflict MODE              precheck (default: refuse when target DBs in scope hold keys) | overwrite",
                "  --full-rps N                 commands/s during the snapshot (default 0 = no limit)",
                "  --full-mbps N                MB/s during the snapshot (default 0 = no limit)",
                "  --incr-rps N                 commands/s during the incremental phase (default 0 = no limit)",
                "  --incr-mbps N                MB/s during the incremental phase (default 0 = no limit)",
                "  --retry-connect DUR          retry window for lost connections after start (default 720m)",
                "  --retry-other DUR            retry window for other transient errors (default 10m)",
                "  --big-key-threshold SIZE     values above this are written in chunks (default 64mb)",
                "  --spool-dir DIR              local spool of the replication stream (default $TMPDIR/redis-migrate-spool)",
                "  --heartbeat-key-prefix P     keys the tool writes on the source (default __redis_migrate:heartbeat)",
                "  --publish on|off             forward PUBLISH from the replication stream (default on)",
                "  --source-prefer master|replica  cluster source: read each shard from its master (default) or a replica",
                "  --progress auto|plain|none   console progress of an embedded run: auto (default) redraws a line on a",
                "                               terminal and prints every 10 s otherwise; plain: every 10 s; none",
                "status (reads the job's metrics over Flink's REST API):",
                "  --rest URL                   Flink's REST API / web UI (default http://127.0.0.1:<--web-ui-port>)",
                "  --job ID                     the job (default: the only running job named redis-migrate...)",
                "  --wait-caught-up             poll every second; exit 0 once every split is caught up (phase 2)",
                "  --max-lag DUR                with --wait-caught-up: exit 0 once every split streams with a lag <= DUR",
                "  --timeout DUR                give up waiting after DUR, exit 1 (default 10m)",
                "TLS (rediss:// URIs; host names are verified; PEM files, read again at each connection):",
                "  --source-tls-ca-cert FILE    CA certificate(s) to trust for the source (default: the JVM's trust store)",
                "  --source-tls-cert FILE       client certificate for a source with tls-auth-clients (with --source-tls-key)",
                "  --source-tls-key FILE        its private key (PKCS#8, or PKCS#1 RSA / EC; unencrypted)",
                "  --source-tls-skip-verify     trust any certificate and host name: open to impersonation (prints a WARN)",
                "  --target-tls-ca-cert FILE    the same for the target",
                "  --target-tls-cert FILE",
                "  --target-tls-key FILE",
                "  --target-tls-skip-verify ",
                "  --tls-ca-cert FILE           for both sides, where the side's own option is not given",
                "  --tls-cert FILE",
                "  --tls-key FILE",
                "  --tls-skip-verify ",
                "  --config FILE                YAML (key: value) or .properties file with any option above; flags win",
                "  --help                       this text",
                "",
                "Exit codes: 0 success, 1 job failure or differences found (verify) or not caught up in time (status),",
                "            2 usage error, 3 precheck or connection failure (status: Flink's REST API unreachable).",
                "");
    }
}
