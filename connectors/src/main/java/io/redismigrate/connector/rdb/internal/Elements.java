package io.redismigrate.connector.rdb.internal;

import io.redismigrate.connector.rdb.RdbException;

import java.nio.charset.StandardCharsets;

/** Helpers shared by the compact-encoding iterators: integers as Redis prints them, bounds checks. */
public final class Elements {
    private Elements() {}

    /** Decimal ASCII of {@code v}, the form Redis gives an integer-encoded element. */
    public static byte[] ascii(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    public static long parseLong(byte[] b) throws RdbException {
        try {
            return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new RdbException("expected an integer element, got " + b.length + " bytes");
        }
    }

    static void check(boolean ok, String what) throws RdbException {
        if (!ok) throw new RdbException("corrupt " + what);
    }

    static int u16le(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
    }

    static long u32le(byte[] b, int i) {
        return (b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16 | (b[i + 3] & 0xffL) << 24;
    }

    static long s64le(byte[] b, int i) {
        return u32le(b, i) | u32le(b, i + 4) << 32;
    }
}
