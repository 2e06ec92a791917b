package io.redismigrate.job;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes: {@code 1024}, {@code 512kb}, {@code 64mb}, {@code 1gb} (powers of 1024; k/m/g also accepted). */
public final class Sizes {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*(b|k|kb|m|mb|g|gb)?");

    private Sizes() {}

    public static long parse(String text) {
        if (text == null) throw new IllegalArgumentException("a size is required (for example 512kb, 64mb, 1gb)");
        Matcher m = FORMAT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (use bytes or a unit: 512kb, 64mb, 1gb)");
        }
        String unit = m.group(2) == null ? "b" : m.group(2);
        int shift = unit.startsWith("k") ? 10 : unit.startsWith("m") ? 20 : unit.startsWith("g") ? 30 : 0;
        try {
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) throw new NumberFormatException();
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
    }

    public static String format(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) return (bytes >> 30) + "gb";
        if (bytes != 0 && bytes % (1L << 20) == 0) return (bytes >> 20) + "mb";
        if (bytes != 0 && bytes % (1L << 10) == 0) return (bytes >> 10) + "kb";
        return bytes + "b";
    }
}
