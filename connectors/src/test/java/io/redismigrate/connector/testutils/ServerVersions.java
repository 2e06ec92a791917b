package io.redismigrate.connector.testutils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The server versions the version-matrix tests run against. With the environment variable {@code REDIS_MATRIX}
 * naming a directory (bin/test sets it when {@code ../shared/servers/install.sh} is there), every subdirectory
 * {@code <name>/bin/redis-server} that answers {@code --version} is one version; without it (unset or empty), the
 * system server alone ({@link RedisServer#executable()}: {@code $REDIS_SERVER} or redis-server on PATH).
 * {@code REDIS_VERSIONS=redis-6.0,valkey-8.1} keeps only the named versions of the matrix.
 *
 * <p>Use as a JUnit 5 source: {@code @ParameterizedTest(name = "{0}") @MethodSource("io.redismigrate.connector.testutils.ServerVersions#all")}.
 * The first call prints to stderr, once, which of the {@link #EXPECTED} versions run and which are missing and why.
 *
 * <p>{@link #pairs()} gives the ordered (source, target) pairs of these versions for the version-pair tests: a
 * default set that covers every direction that matters ({@link #defaultPairs}), or with {@code REDIS_PAIRS=all}
 * every ordered pair; its first call prints one line naming the pairs run and the pairs skipped.
 */
public final class ServerVersions {
    /** Environment variable naming the directory of server versions (see install.sh). */
    public static final String ENV = "REDIS_MATRIX";
    /**
     * Optional environment variable: the names of the matrix versions to run (comma or space separated, e.g.
     * {@code redis-6.0,valkey-8.1}); the others are skipped. A name not found in {@code REDIS_MATRIX} is an error.
     */
    public static final String ONLY_ENV = "REDIS_VERSIONS";
    /** The versions {@code ../shared/servers/install.sh} installs, in the order the tests run them. */
    public static final List<String> EXPECTED = List.of("redis-6.0", "redis-7.0", "valkey-8.0", "redis-8.0", "valkey-8.1");

    /**
     * Optional environment variable: which (source, target) pairs {@link #pairs()} gives: unset or {@code default}
     * the default set ({@link #defaultPairs}), {@code all} every ordered pair of the versions, or a comma-separated
     * list of pairs such as {@code redis-8.0->redis-6.0,valkey-8.1->redis-7.0}.
     */
    public static final String PAIRS_ENV = "REDIS_PAIRS";

    private static List<ServerVersion> all;
    private static ServerVersion system;
    private static List<VersionPair> pairs;

    private ServerVersions() {}

    /** Every version to test (at least one: the system server); a JUnit {@code @MethodSource}. */
    public static synchronized List<ServerVersion> all() {
        if (all == null) all = discover(System.getenv(ENV), System.getenv(ONLY_ENV));
        return all;
    }

    /**
     * The (source, target) pairs to test, from {@link #all()} as {@link #PAIRS_ENV} selects (see
     * {@link #selectPairs}); a JUnit {@code @MethodSource}. Without the matrix: the system server into itself. The
     * first call prints one line to stderr: the pairs run and those of the full matrix ({@link #EXPECTED}) skipped.
     */
    public static synchronized List<VersionPair> pairs() {
        if (pairs == null) {
            String mode = System.getenv(PAIRS_ENV);
            pairs = selectPairs(all(), mode);
            System.err.println(describePairs(pairs, mode));
        }
        return pairs;
    }

    /**
     * The pairs of {@code versions} that {@code mode} selects: null, blank or {@code default}: {@link #defaultPairs};
     * {@code all}: every ordered pair (source-major, in the order of {@code versions}); otherwise a comma-separated
     * list of {@code source->target} names, each of which must be a pair of {@code versions}.
     */
    static List<VersionPair> selectPairs(List<ServerVersion> versions, String mode) {
        String m = mode == null ? "" : mode.trim();
        if (m.isEmpty() || m.equals("default")) return defaultPairs(versions);
        List<VersionPair> every = new ArrayList<>();
        for (ServerVersion s : versions) {
            for (ServerVersion t : versions) every.add(new VersionPair(s, t));
        }
        if (m.equals("all")) return List.copyOf(every);
        List<VersionPair> out = new ArrayList<>();
        for (String item : m.split(",")) {
            String want = item.trim().replaceAll("\\s*->\\s*", " -> ");
            if (want.isEmpty()) continue;
            VersionPair p = every.stream().filter(e -> e.name().equals(want)).findFirst().orElseThrow(() ->
                    new IllegalStateException(PAIRS_ENV + " names " + item.trim() + ", which is not a pair of the versions "
                            + versions.stream().map(ServerVersion::name).toList()));
            if (!out.contains(p)) out.add(p);
        }
        return List.copyOf(out);
    }

    /**
     * The pairs that matter, in this order, without repeats: every version into itself; every version into the
     * oldest and into the newest Redis (an older target must read or refuse what a newer source holds; the newest
     * must take everything); Redis into Valkey, each Redis version into one Valkey version (the newest Redis into the
     * newest Valkey, then back through both lists, wrapping); Valkey into Redis, into each Redis version between the
     * oldest and the newest (those two take every version already) from one Valkey version, the newest first. With
     * the matrix of {@link #EXPECTED}: 17 of the 25 ordered pairs. Without Redis versions, the oldest and newest
     * Valkey take the Redis roles.
     */
    static List<VersionPair> defaultPairs(List<ServerVersion> versions) {
        Comparator<ServerVersion> byNumber = Comparator.comparingInt(ServerVersion::major).thenComparingInt(ServerVersion::minor);
        List<ServerVersion> redis = versions.stream().filter(v -> !v.isValkey()).sorted(byNumber).toList();
        List<ServerVersion> valkey = versions.stream().filter(ServerVersion::isValkey).sorted(byNumber).toList();
        List<ServerVersion> line = redis.isEmpty() ? valkey : redis;
        LinkedHashSet<VersionPair> out = new LinkedHashSet<>();
        for (ServerVersion v : versions) out.add(new VersionPair(v, v));
        if (line.isEmpty()) return List.copyOf(out);
        ServerVersion oldest = line.get(0);
        ServerVersion newest = line.get(line.size() - 1);
        for (ServerVersion v : versions) out.add(new VersionPair(v, oldest));
        for (ServerVersion v : versions) out.add(new VersionPair(v, newest));
        if (!redis.isEmpty() && !valkey.isEmpty()) {
            for (int i = 0; i < redis.size(); i++) {
                ServerVersion r = redis.get(redis.size() - 1 - i);
                ServerVersion k = valkey.get(Math.floorMod(valkey.size() - 1 - i, valkey.size()));
                out.add(new VersionPair(r, k));
            }
            List<ServerVersion> middle = redis.size() > 2 ? redis.subList(1, redis.size() - 1) : List.of();
            for (int j = 0; j < middle.size(); j++) {
                ServerVersion r = middle.get(middle.size() - 1 - j);
                ServerVersion k = valkey.get(Math.floorMod(valkey.size() - 1 - j, valkey.size()));
                out.add(new VersionPair(k, r));
            }
        }
        return List.copyOf(out);
    }

    /**
     * One line: the pairs run, and the pairs {@code mode} would select from the full matrix ({@link #EXPECTED};
     * for an explicit list, its default set) that are not run, by name.
     */
    static String describePairs(List<VersionPair> run, String mode) {
        String m = mode == null ? "" : mode.trim();
        List<ServerVersion> expected = EXPECTED.stream().map(ServerVersion::named).toList();
        List<VersionPair> reference = selectPairs(expected, m.equals("all") ? "all" : "default");
        List<String> names = run.stream().map(VersionPair::name).toList();
        List<String> skipped = reference.stream().map(VersionPair::name).filter(n -> !names.contains(n)).toList();
        return "version pairs (" + PAIRS_ENV + "=" + (m.isEmpty() ? "default" : m) + "): " + run.size() + " run " + names
                + "; skipped " + skipped.size() + (skipped.isEmpty() ? "" : " " + skipped)
                + (m.equals("all") ? "" : "; " + PAIRS_ENV + "=all runs every ordered pair");
    }

    /** The system server: {@code $REDIS_SERVER} or redis-server on PATH (what {@link RedisServer#start(String...)} runs). */
    public static synchronized ServerVersion system() {
        if (system == null) {
            try {
                system = ServerVersion.probe(RedisServer.executable());
            } catch (IOException e) {
                throw new IllegalStateException("redis-server not usable: " + e.getMessage(), e);
            }
        }
        return system;
    }

    static List<ServerVersion> discover(String matrix, String only) {
        List<String> wanted = only == null || only.isBlank() ? null : List.of(only.trim().split("[,\\s]+"));
        if (matrix == null || matrix.isBlank()) {
            ServerVersion s = system();
            System.err.println("server versions: " + ENV + " not set: only the system server " + s.name() + " ("
                    + s.executable() + "); not tested: " + without(EXPECTED, s.name()));
            return List.of(s);
        }
        Path dir = Path.of(matrix);
        Map<String, ServerVersion> found = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            List<Path> subdirs;
            try (Stream<Path> s = Files.list(dir)) {
                subdirs = s.filter(Files::isDirectory).sorted(Comparator.comparing(Path::toString)).toList();
            } catch (IOException e) {
                subdirs = List.of();
                skipped.add(dir + " (" + e.getMessage() + ")");
            }
            for (Path d : subdirs) {
                Path exe = d.resolve("bin").resolve("redis-server");
                if (!Files.isExecutable(exe)) {
                    skipped.add(d.getFileName() + " (no executable bin/redis-server)");
                    continue;
                }
                try {
                    ServerVersion v = ServerVersion.probe(exe.toString());
                    ServerVersion before = found.putIfAbsent(v.name(), v);
                    if (before != null) skipped.add(d.getFileName() + " (same version as " + before.executable() + ")");
                } catch (IOException e) {
                    skipped.add(d.getFileName() + " (" + e.getMessage().lines().findFirst().orElse("") + ")");
                }
            }
        } else {
            skipped.add(dir + " (not a directory)");
        }
        if (wanted != null) {
            for (String w : wanted) {
                if (!found.containsKey(w)) {
                    throw new IllegalStateException(ONLY_ENV + " names " + w + ", which is not in " + ENV + "=" + matrix
                            + " (found: " + found.keySet() + ")");
                }
            }
            for (String name : new ArrayList<>(found.keySet())) {
                if (!wanted.contains(name)) {
                    found.remove(name);
                    skipped.add(name + " (not in " + ONLY_ENV + ")");
                }
            }
        }
        List<ServerVersion> out = new ArrayList<>(found.values());
        out.sort(Comparator.comparingInt((ServerVersion v) -> order(v.name())).thenComparing(ServerVersion::name));
        List<String> missing = new ArrayList<>();
        for (String e : EXPECTED) {
            if (!found.containsKey(e) && (wanted == null || wanted.contains(e))) missing.add(e);
        }
        StringBuilder msg = new StringBuilder("server versions from " + ENV + "=" + matrix + ": "
                + (out.isEmpty() ? "none" : out.stream().map(ServerVersion::name).toList()));
        if (!missing.isEmpty()) msg.append("; missing: ").append(missing);
        if (!skipped.isEmpty()) msg.append("; skipped: ").append(skipped);
        if (out.isEmpty()) {
            ServerVersion s = system();
            msg.append("; using the system server ").append(s.name()).append(" (").append(s.executable()).append(')');
            out.add(s);
        }
        System.err.println(msg);
        return List.copyOf(out);
    }

    private static int order(String name) {
        int i = EXPECTED.indexOf(name);
        return i < 0 ? EXPECTED.size() : i;
    }

    private static List<String> without(List<String> l, String name) {
        List<String> out = new ArrayList<>(l);
        out.remove(name);
        return out;
    }
}
