package io.redismigrate.connector.rdb.internal;

import io.redismigrate.connector.rdb.RdbException;

import java.util.Arrays;

import static io.redismigrate.connector.rdb.internal.Elements.check;

/**
 * Reads a zipmap (Redis 2.4 hashes, {@code zipmap.c}): count byte, then field/value pairs with 1- or 5-byte
 * lengths and a "free" byte after each value length, 0xFF terminator. Yields field, value, field, value…
 */
public final class Zipmap implements ElementIterator {
    private final byte[] zm;
    private int p = 1;
    private boolean value;

    public Zipmap(byte[] zm) throws RdbException {
        check(zm.length >= 2, "zipmap: too short");
        this.zm = zm;
    }

    @Override
    public boolean hasNext() throws RdbException {
        check(p < zm.length, "zipmap: missing terminator");
        return (zm[p] & 0xff) != 0xff;
    }

    @Override
    public byte[] next() throws RdbException {
        check(p < zm.length, "zipmap: read past the end");
        int len = zm[p] & 0xff;
        if (len == 254) {
            check(p + 5 <= zm.length, "zipmap: length past the end");
            len = (int) Elements.u32le(zm, p + 1);
            p += 5;
        } else {
            check(len < 254, "zipmap: bad length byte");
            p += 1;
        }
        int free = 0;
        if (value) {
            check(p < zm.length, "zipmap: free byte past the end");
            free = zm[p++] & 0xff;
        }
        check(len >= 0 && (long) p + len + free <= zm.length, "zipmap: string past the end");
        byte[] out = Arrays.copyOfRange(zm, p, p + len);
        p += len + free;
        value = !value;
        return out;
    }
}
