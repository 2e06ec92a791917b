package io.redismigrate.connector.testutils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
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

    private static List<ServerVersion> all;
    private static ServerVersion system;

    private ServerVersions() {}

    /** Every version to test (at least one: the system server); a JUnit {@code @MethodSource}. */
    public static synchronized List<ServerVersion> all() {
        if (all == null) all = discover(System.getenv(ENV), System.getenv(ONLY_ENV));
        return all;
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
