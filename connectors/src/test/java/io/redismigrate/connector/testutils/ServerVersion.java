package io.redismigrate.connector.testutils;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One server build the tests can start: its name ({@code redis-7.0}, {@code valkey-8.1}), the redis-server
 * executable and the version it reports, with the capabilities the tests branch on. Built by {@link #probe(String)}
 * from {@code redis-server --version}; see {@link ServerVersions} for the set the tests run against.
 */
public final class ServerVersion {
    private static final Pattern VERSION = Pattern.compile("^(Redis|Valkey|KeyDB)? ?server v=(\\d+)\\.(\\d+)\\.(\\d+)",
            Pattern.CASE_INSENSITIVE);

    private final String name;
    private final String executable;
    private final boolean valkey;
    private final int major;
    private final int minor;
    private final int patch;

    ServerVersion(String executable, boolean valkey, int major, int minor, int patch) {
        this.name = (valkey ? "valkey-" : "redis-") + major + "." + minor;
        this.executable = executable;
        this.valkey = valkey;
        this.major = major;
        this.minor = minor;
        this.patch = patch;
    }

    /**
     * Runs {@code executable --version} and parses its answer ({@code Redis server v=7.0.15 …}, {@code Valkey server
     * v=8.1.1 …}); throws IOException with the reason when it does not start or answers something else.
     */
    public static ServerVersion probe(String executable) throws IOException {
        Process p = new ProcessBuilder(executable, "--version").redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(executable + " --version did not answer within 10 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Matcher m = VERSION.matcher(out);
        if (p.exitValue() != 0 || !m.find()) {
            throw new IOException(executable + " --version answered (exit " + p.exitValue() + "): "
                    + (out.length() > 200 ? out.substring(0, 200) : out));
        }
        return new ServerVersion(executable, "valkey".equalsIgnoreCase(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
    }

    /**
     * A version described by its name alone ({@code redis-6.0}, {@code valkey-8.1}; patch 0, no executable), for
     * naming versions and pairs that are not installed.
     */
    static ServerVersion named(String name) {
        Matcher m = Pattern.compile("(redis|valkey)-(\\d+)\\.(\\d+)").matcher(name);
        if (!m.matches()) throw new IllegalArgumentException("not a version name: " + name);
        return new ServerVersion("(" + name + " not installed)", "valkey".equals(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), 0);
    }

    /** {@code redis-7.0}, {@code valkey-8.1}: flavour and major.minor (the display name of parameterized tests). */
    public String name() { return name; }

    /** Path (or name on PATH) of the redis-server binary. */
    public String executable() { return executable; }

    public int major() { return major; }
    public int minor() { return minor; }
    public int patch() { return patch; }

    /** Major.minor as a number, e.g. 7.0 (what {@link RedisServer#version()} returns for the system server). */
    public double number() { return Double.parseDouble(major + "." + minor); }

    /** Valkey (which reports its own version; as a replication peer Valkey 7.2+/8.x behaves like Redis 7.2). */
    public boolean isValkey() { return valkey; }

    /**
     * At least Redis {@code major.minor} in protocol and replication behaviour. Valkey forked from Redis 7.2.4:
     * Valkey 7.2 and 8.x count as Redis 7.2 (not as Redis 8.0, whose features such as hash field TTLs it lacks).
     */
    public boolean atLeast(int wantMajor, int wantMinor) {
        int maj = major;
        int min = minor;
        if (valkey) { maj = 7; min = 2; }
        return maj > wantMajor || (maj == wantMajor && min >= wantMinor);
    }

    /** FUNCTION / FCALL, EXPIRETIME/PEXPIRETIME, LMPOP/ZMPOP/SINTERCARD, subcommand stats (Redis 7.0+, Valkey). */
    public boolean hasFunctions() { return atLeast(7, 0); }

    /**
     * GETEX, GETDEL, COPY, LMOVE/BLMOVE, XAUTOCLAIM, XGROUP CREATECONSUMER, SET … GET and the
     * {@code rejected_calls}/{@code failed_calls} fields of INFO commandstats (Redis 6.2+).
     */
    public boolean atLeast62() { return atLeast(6, 2); }

    /**
     * A SELECT inside MULTI/EXEC is replicated inside the transaction (Redis 7.2+, Valkey); older servers move it
     * before the MULTI.
     */
    public boolean selectInsideMulti() { return atLeast(7, 2); }

    /** Hash field expiration (HEXPIRE, HPEXPIRE, HPERSIST, …: Redis 7.4+; Valkey 8.x has none). */
    public boolean hashFieldTtl() { return !valkey && atLeast(7, 4); }

    /** HSETEX, HGETEX, HGETDEL (Redis 8.0+). */
    public boolean hashFieldTtlCommands80() { return !valkey && atLeast(8, 0); }

    /**
     * Whether the server has the {@code enable-debug-command} config (Redis 7.0+, Valkey): DEBUG is then off by
     * default and must be enabled; Redis 6.0 allows DEBUG always and refuses to start with the option.
     */
    public boolean debugCommandOption() { return atLeast(7, 0); }

    /** {@code cluster-allow-replica-migration} exists (Redis 6.2+); older servers only know the migration barrier. */
    public boolean allowReplicaMigrationOption() { return atLeast(6, 2); }

    /** CLUSTER ADDSLOTSRANGE (Redis 7.0+); older servers need CLUSTER ADDSLOTS with every slot. */
    public boolean addSlotsRange() { return atLeast(7, 0); }

    @Override
    public String toString() { return name; }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServerVersion v && v.executable.equals(executable) && v.name.equals(name) && v.patch == patch;
    }

    @Override
    public int hashCode() { return executable.hashCode() * 31 + name.hashCode(); }
}
