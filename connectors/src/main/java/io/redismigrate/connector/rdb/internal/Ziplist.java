package io.redismigrate.connector.rdb.internal;

import io.redismigrate.connector.rdb.RdbException;

import java.util.Arrays;

import static io.redismigrate.connector.rdb.internal.Elements.ascii;
import static io.redismigrate.connector.rdb.internal.Elements.check;

/**
 * Reads a ziplist (Redis {@code ziplist.c}): zlbytes, zltail, zllen, entries (prevlen, encoding, data), 0xFF.
 */
public final class Ziplist implements ElementIterator {
    private final byte[] zl;
    private final int end;
    private int p;

    public Ziplist(byte[] zl) throws RdbException {
        check(zl.length >= 11, "ziplist: too short");
        check(Elements.u32le(zl, 0) == zl.length, "ziplist: header size does not match");
        check((zl[zl.length - 1] & 0xff) == 0xff, "ziplist: missing terminator");
        this.zl = zl;
        this.end = zl.length - 1;
        this.p = 10;
    }

    @Override
    public boolean hasNext() {
        return p < end;
    }

    @Override
    public byte[] next() throws RdbException {
        check(p < end, "ziplist: read past the end");
        p += (zl[p] & 0xff) == 0xfe ? 5 : 1; // prevlen
        check(p < end, "ziplist: entry past the end");
        int enc = zl[p] & 0xff;
        switch (enc >>> 6) {
            case 0: return str(p + 1, enc & 0x3f);
            case 1: need(2); return str(p + 2, ((enc & 0x3f) << 8) | (zl[p + 1] & 0xff));
            case 2: {
                need(5);
                long len = (zl[p + 1] & 0xffL) << 24 | (zl[p + 2] & 0xffL) << 16 | (zl[p + 3] & 0xffL) << 8 | (zl[p + 4] & 0xffL);
                check(len <= end, "ziplist: string length past the end");
                return str(p + 5, (int) len);
            }
            default: break;
        }
        long v;
        int size;
        switch (enc) {
            case 0xc0: need(3); v = (short) Elements.u16le(zl, p + 1); size = 3; break;
            case 0xd0: need(5); v = (int) Elements.u32le(zl, p + 1); size = 5; break;
            case 0xe0: need(9); v = Elements.s64le(zl, p + 1); size = 9; break;
            case 0xf0: {
                need(4);
                int x = Elements.u16le(zl, p + 1) | (zl[p + 3] & 0xff) << 16;
                v = (x << 8) >> 8;
                size = 4;
                break;
            }
            case 0xfe: need(2); v = zl[p + 1]; size = 2; break;
            default:
                if (enc >= 0xf1 && enc <= 0xfd) { v = (enc & 0x0f) - 1; size = 1; break; }
                throw new RdbException("corrupt ziplist: unknown entry encoding 0x" + Integer.toHexString(enc));
        }
        p += size;
        return ascii(v);
    }

    private void need(int n) throws RdbException {
        check(p + n <= end, "ziplist: entry past the end");
    }

    private byte[] str(int from, int len) throws RdbException {
        check(from + len <= end, "ziplist: string past the end");
        p = from + len;
        return Arrays.copyOfRange(zl, from, from + len);
    }
}
