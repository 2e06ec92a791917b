package io.redismigrate.connector.rdb.internal;

import io.redismigrate.connector.rdb.RdbException;

import static io.redismigrate.connector.rdb.internal.Elements.check;

/** Reads an intset (Redis {@code intset.c}): 4-byte element width, 4-byte count, little-endian integers. */
public final class Intset implements ElementIterator {
    private final byte[] is;
    private final int width;
    private final long count;
    private long i;

    public Intset(byte[] is) throws RdbException {
        check(is.length >= 8, "intset: too short");
        this.is = is;
        this.width = (int) Elements.u32le(is, 0);
        this.count = Elements.u32le(is, 4);
        check(width == 2 || width == 4 || width == 8, "intset: bad element width " + width);
        check(8 + count * width == is.length, "intset: size does not match its count");
    }

    @Override
    public boolean hasNext() {
        return i < count;
    }

    @Override
    public byte[] next() throws RdbException {
        check(i < count, "intset: read past the end");
        int at = 8 + (int) i++ * width;
        long v = width == 2 ? (short) Elements.u16le(is, at) : width == 4 ? (int) Elements.u32le(is, at) : Elements.s64le(is, at);
        return Elements.ascii(v);
    }
}
