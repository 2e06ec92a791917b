package io.redismigrate.job;

import java.util.Locale;

/**
 * Numbers as an operator reads them on the console: bytes in B/KB/MB/GB/TB (powers of 1024, like the size options),
 * counts in k/M/G (powers of 1000), durations as {@code 3m 20s}. Negative values (unknown) print as {@code ?}.
 */
public final class HumanUnits {
    private static final String[] BYTE_UNITS = {"B", "KB", "MB", "GB", "TB", "PB"};

    private HumanUnits() {}

    /** {@code 512 B}, {@code 20.0 KB}, {@code 1.5 GB}. */
    public static String bytes(double n) {
        if (n < 0 || Double.isNaN(n)) return "?";
        int unit = 0;
        while (n >= 1024 && unit < BYTE_UNITS.length - 1) {
            n /= 1024;
            unit++;
        }
        return unit == 0 ? Math.round(n) + " B" : String.format(Locale.ROOT, "%.1f %s", n, BYTE_UNITS[unit]);
    }

    /** {@code 950}, {@code 12.3k}, {@code 4.5M}, {@code 1.2G}. */
    public static String count(double n) {
        if (n < 0 || Double.isNaN(n)) return "?";
        if (n < 1000) return Long.toString(Math.round(n));
        if (n < 999_950) return String.format(Locale.ROOT, "%.1fk", n / 1e3);
        if (n < 999_950_000) return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        return String.format(Locale.ROOT, "%.1fG", n / 1e9);
    }

    /** {@code 45s}, {@code 3m 20s}, {@code 2h 05m}, {@code 3d 04h}. */
    public static String seconds(long s) {
        if (s < 0) return "?";
        if (s < 60) return s + "s";
        if (s < 3600) return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        if (s < 86_400) return String.format(Locale.ROOT, "%dh %02dm", s / 3600, s % 3600 / 60);
        return String.format(Locale.ROOT, "%dd %02dh", s / 86_400, s % 86_400 / 3600);
    }
}
