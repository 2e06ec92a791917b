package io.redismigrate.job.precheck;

import java.util.Locale;

/** Byte counts, rates and durations as people read them in the precheck table (powers of 1024). */
final class Human {
    private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB"};

    private Human() {}

    /** {@code 850 B}, {@code 312.5 KB}, {@code 1.2 GB}. */
    static String bytes(double bytes) {
        int unit = 0;
        while (bytes >= 1024 && unit < UNITS.length - 1) {
            bytes /= 1024;
            unit++;
        }
        return unit == 0 ? String.format(Locale.ROOT, "%.0f B", bytes) : String.format(Locale.ROOT, "%.1f %s", bytes, UNITS[unit]);
    }

    /** {@code under 1 s}, {@code 45 s}, {@code 12 min}, {@code 2.5 h}, {@code 3 d}. */
    static String duration(double seconds) {
        if (seconds < 1) return "under 1 s";
        if (seconds < 60) return String.format(Locale.ROOT, "%.0f s", seconds);
        if (seconds < 3600) return String.format(Locale.ROOT, "%.0f min", seconds / 60);
        if (seconds < 2 * 86400) return oneDecimal(seconds / 3600) + " h";
        return oneDecimal(seconds / 86400) + " d";
    }

    private static String oneDecimal(double v) {
        return String.format(Locale.ROOT, "%.1f", v).replaceFirst("\\.0$", "");
    }

    /** Rounds up to whole MB below 1 GB, to whole GB above: a value to type into CONFIG SET. */
    static long roundUpSize(double bytes) {
        long mb = 1L << 20;
        long gb = 1L << 30;
        if (bytes <= gb) return Math.max(1, (long) Math.ceil(bytes / mb)) * mb;
        return (long) Math.ceil(bytes / gb) * gb;
    }
}
