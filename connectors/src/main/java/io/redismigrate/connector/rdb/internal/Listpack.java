package io.redismigrate.connector.rdb.internal;

import io.redismigrate.connector.rdb.RdbException;

import java.util.Arrays;

import static io.redismigrate.connector.rdb.internal.Elements.ascii;
import static io.redismigrate.connector.rdb.internal.Elements.check;

/**
 * Reads a listpack (Redis {@code listpack.c}): 4-byte total size, 2-byte count, entries each followed by a
 * back-length, 0xFF terminator.
 */
public final class Listpack implements ElementIterator {
    private final byte[] lp;
    private final int end;
    private int p;

    public Listpack(byte[] lp) throws RdbException {
        this(lp, lp.length);
    }

    public Listpack(byte[] lp, int len) throws RdbException {
        check(len >= 7, "listpack: too short");
        check(Elements.u32le(lp, 0) == len, "listpack: header size does not match");
        check((lp[len - 1] & 0xff) == 0xff, "listpack: missing terminator");
        this.lp = lp;
        this.end = len - 1;
        this.p = 6;
    }

    /** Bytes left before the terminator: an upper bound on the number of elements still to come. */
    public int remainingBytes() {
        return end - p;
    }

    @Override
    public boolean hasNext() {
        return p < end;
    }

    @Override
    public byte[] next() throws RdbException {
        check(p < end, "listpack: read past the end");
        int b = lp[p] & 0xff;
        int start = p;
        byte[] out;
        if ((b & 0x80) == 0) { // 7-bit unsigned int
            out = ascii(b);
            p += 1;
        } else if ((b & 0xc0) == 0x80) { // 6-bit string length
            int len = b & 0x3f;
            out = slice(p + 1, len);
            p += 1 + len;
        } else if ((b & 0xe0) == 0xc0) { // 13-bit signed int
            need(2);
            int v = ((b & 0x1f) << 8) | (lp[p + 1] & 0xff);
            if (v >= 1 << 12) v -= 1 << 13;
            out = ascii(v);
            p += 2;
        } else if ((b & 0xf0) == 0xe0) { // 12-bit string length
            need(2);
            int len = ((b & 0x0f) << 8) | (lp[p + 1] & 0xff);
            out = slice(p + 2, len);
            p += 2 + len;
        } else {
            switch (b) {
                case 0xf0: { // 32-bit string length
                    need(5);
                    long len = Elements.u32le(lp, p + 1);
                    check(len <= end - p - 5, "listpack: string length past the end");
                    out = slice(p + 5, (int) len);
                    p += 5 + (int) len;
                    break;
                }
                case 0xf1: need(3); out = ascii((short) Elements.u16le(lp, p + 1)); p += 3; break;
                case 0xf2: {
                    need(4);
                    int v = Elements.u16le(lp, p + 1) | (lp[p + 3] & 0xff) << 16;
                    out = ascii((v << 8) >> 8);
                    p += 4;
                    break;
                }
                case 0xf3: need(5); out = ascii((int) Elements.u32le(lp, p + 1)); p += 5; break;
                case 0xf4: need(9); out = ascii(Elements.s64le(lp, p + 1)); p += 9; break;
                default: throw new RdbException("corrupt listpack: unknown entry encoding 0x" + Integer.toHexString(b));
            }
        }
        int entryLen = p - start;
        p += backlenSize(entryLen);
        check(p <= end, "listpack: entry past the end");
        return out;
    }

    private void need(int n) throws RdbException {
        check(p + n <= end, "listpack: entry past the end");
    }

    private byte[] slice(int from, int len) throws RdbException {
        check(from + len <= end, "listpack: string past the end");
        return Arrays.copyOfRange(lp, from, from + len);
    }

    static int backlenSize(int l) {
        if (l < 128) return 1;
        if (l < 16384) return 2;
        if (l < 2097152) return 3;
        if (l < 268435456) return 4;
        return 5;
    }
}
