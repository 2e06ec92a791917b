package io.redismigrate.connector.resp;

/**
 * Redis server versions and the RDB format version each one writes (and therefore the newest it reads: a server
 * rejects RDB files and DUMP payloads newer than its own). The single place for this mapping.
 *
 * <p>Source: {@code RDB_VERSION} in {@code src/rdb.h} of each Redis release, as tabulated in redis/librdb
 * {@code src/redisver.h}: 2.4 → 5, 2.6/2.8/3.0 → 6, 3.2 → 7, 4.0 → 8, 5.0/6.0/6.2 → 9, 7.0 → 10, 7.2 → 11,
 * 7.4/8.0/8.2/8.4 → 12, 8.6 → 13, 8.8 → 14, 8.9 (pre-release)/8.10 → 15.
 */
public final class RedisVersions {
    /**
     * Newest Redis RDB version the snapshot parser of this project reads (DESIGN.md §4: versions 1–12, and 13 of
     * Redis 8.6); Valkey's own RDB 80 is read as well (see {@code RdbParser}).
     */
    public static final int MAX_SUPPORTED_RDB = 13;

    /** {major, minor, rdb}, newest first; a version maps to the first row it is at least. */
    private static final int[][] TABLE = {
            {8, 9, 15},
            {8, 8, 14},
            {8, 6, 13},
            {7, 4, 12},
            {7, 2, 11},
            {7, 0, 10},
            {5, 0, 9},
            {4, 0, 8},
            {3, 2, 7},
            {2, 6, 6},
            {2, 4, 5},
    };

    private RedisVersions() {}

    /**
     * The RDB version written by a server reporting {@code redis_version} (for example "7.0.15"), or -1 when the
     * version is older than 2.4 or cannot be read.
     */
    public static int rdbVersion(String redisVersion) {
        int[] v = parse(redisVersion);
        if (v == null) return -1;
        for (int[] row : TABLE) {
            if (v[0] > row[0] || (v[0] == row[0] && v[1] >= row[1])) return row[2];
        }
        return -1;
    }

    /** {major, minor, patch} of "7.0.15" (missing parts are 0), or null when it does not start with a number. */
    public static int[] parse(String version) {
        if (version == null) return null;
        String[] parts = version.trim().split("\\.");
        int[] v = new int[3];
        for (int i = 0; i < 3 && i < parts.length; i++) {
            String digits = parts[i].replaceFirst("^(\\d+).*$", "$1");
            if (digits.isEmpty() || !Character.isDigit(digits.charAt(0))) {
                if (i == 0) return null;
                break;
            }
            try {
                v[i] = Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                if (i == 0) return null;
                break;
            }
        }
        return v;
    }

    /** Compares two version strings by major, minor, patch; unparseable versions sort first. */
    public static int compare(String a, String b) {
        int[] x = parse(a);
        int[] y = parse(b);
        if (x == null || y == null) return x == null ? (y == null ? 0 : -1) : 1;
        for (int i = 0; i < 3; i++) {
            if (x[i] != y[i]) return Integer.compare(x[i], y[i]);
        }
        return 0;
    }

    /** True when {@code version} is at least {@code major.minor}. */
    public static boolean atLeast(String version, int major, int minor) {
        int[] v = parse(version);
        return v != null && (v[0] > major || (v[0] == major && v[1] >= minor));
    }
}
