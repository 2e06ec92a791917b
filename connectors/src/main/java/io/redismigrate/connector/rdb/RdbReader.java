package io.redismigrate.connector.rdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static io.redismigrate.connector.rdb.RdbConstants.*;

/** The RDB primitives (rdbLoadLen, rdbGenericLoadStringObject, rdbLoadMillisecondTime …) over an {@link RdbInput}. */
final class RdbReader {
    /** Largest single string we allocate (Redis's default proto-max-bulk-len); larger means a corrupt file. */
    static final long MAX_STRING = 512L << 20;

    final RdbInput in;
    /** Set by {@link #readLengthOrEncoding()}: whether the last length was a special string encoding. */
    private boolean encoded;

    RdbReader(RdbInput in) {
        this.in = in;
    }

    long readLength() throws IOException {
        long len = readLengthOrEncoding();
        if (encoded) throw new RdbException("corrupt RDB: a length was expected but a string encoding was found");
        return len;
    }

    /** Length as an int count of items, with a sanity check. */
    int readCount(String what) throws IOException {
        long n = readLength();
        if (n < 0 || n > Integer.MAX_VALUE) throw new RdbException("corrupt RDB: " + what + " count " + n + " is out of range");
        return (int) n;
    }

    private long readLengthOrEncoding() throws IOException {
        int b = in.readUnsignedByte();
        int kind = (b & 0xc0) >> 6;
        encoded = false;
        if (kind == RDB_ENCVAL) {
            encoded = true;
            return b & 0x3f;
        }
        if (kind == RDB_6BITLEN) return b & 0x3f;
        if (kind == RDB_14BITLEN) return ((b & 0x3f) << 8) | in.readUnsignedByte();
        if (b == RDB_32BITLEN) {
            long v = 0;
            for (int i = 0; i < 4; i++) v = (v << 8) | in.readUnsignedByte();
            return v;
        }
        if (b == RDB_64BITLEN) {
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | in.readUnsignedByte();
            return v;
        }
        throw new RdbException("corrupt RDB: unknown length encoding 0x" + Integer.toHexString(b));
    }

    /** Length of a raw string: module ids use all 64 bits of a length, but a string of 2^63 bytes or more is corrupt. */
    private long stringLength() throws IOException {
        long len = readLengthOrEncoding();
        if (!encoded && len < 0) {
            throw new RdbException("corrupt RDB: string length " + Long.toUnsignedString(len) + " is out of range");
        }
        return len;
    }

    byte[] readString() throws IOException {
        long len = stringLength();
        if (encoded) {
            switch ((int) len) {
                case RDB_ENC_INT8: return ascii((byte) in.readUnsignedByte());
                case RDB_ENC_INT16: return ascii((short) (in.readUnsignedByte() | in.readUnsignedByte() << 8));
                case RDB_ENC_INT32: return ascii(in.readIntLE());
                case RDB_ENC_LZF: return readLzf();
                default: throw new RdbException("corrupt RDB: unknown string encoding " + len);
            }
        }
        return readRaw(len);
    }

    /** Reads the header of a string: returns its raw length, or -1 when it is int/LZF encoded (then read it whole). */
    long readStringHeaderOrMinusOne() throws IOException {
        long len = stringLength();
        if (encoded) return -1 - len;
        return len;
    }

    /** After {@link #readStringHeaderOrMinusOne()} returned {@code -1 - enc}: the rest of that encoded string. */
    byte[] readEncodedBody(long minusOneMinusEnc) throws IOException {
        int enc = (int) (-1 - minusOneMinusEnc);
        switch (enc) {
            case RDB_ENC_INT8: return ascii((byte) in.readUnsignedByte());
            case RDB_ENC_INT16: return ascii((short) (in.readUnsignedByte() | in.readUnsignedByte() << 8));
            case RDB_ENC_INT32: return ascii(in.readIntLE());
            case RDB_ENC_LZF: return readLzf();
            default: throw new RdbException("corrupt RDB: unknown string encoding " + enc);
        }
    }

    byte[] readRaw(long len) throws IOException {
        if (len > MAX_STRING) throw new RdbException("corrupt RDB: string length " + len + " exceeds 512 MiB");
        if (len <= (1 << 20)) return in.readBytes((int) len);
        // grow as bytes really arrive, so a corrupt length in a truncated file cannot allocate 512 MiB
        byte[] b = new byte[1 << 20];
        int have = 0;
        while (have < len) {
            if (have == b.length) b = Arrays.copyOf(b, (int) Math.min(len, (long) b.length * 2));
            int n = (int) Math.min(len - have, b.length - have);
            in.readFully(b, have, n);
            have += n;
        }
        return b;
    }

    private byte[] readLzf() throws IOException {
        long clen = readLength();
        long len = readLength();
        checkLzfLengths(clen, len);
        byte[] c = readRaw(clen);
        return Lzf.decompress(c, c.length, (int) len);
    }

    private static void checkLzfLengths(long clen, long len) throws RdbException {
        if (clen < 0 || len < 0 || clen > MAX_STRING || len > MAX_STRING) {
            throw new RdbException("corrupt RDB: LZF string length out of range");
        }
        // LZF expands at most 88 times (a 3-byte back reference yields 264 bytes): a larger claim is corrupt, and
        // must be refused before the output buffer is allocated
        if (len > clen * 88 + 8) {
            throw new RdbException("corrupt RDB: LZF string claims " + len + " bytes from " + clen + " compressed bytes");
        }
    }

    void skipString() throws IOException {
        long len = stringLength();
        if (encoded) {
            skipEncodedBody(-1 - len);
            return;
        }
        in.skip(len);
    }

    /** After {@link #readStringHeaderOrMinusOne()} returned {@code -1 - enc}: skips the rest of that encoded string. */
    void skipEncodedBody(long minusOneMinusEnc) throws IOException {
        long len = -1 - minusOneMinusEnc;
        {
            switch ((int) len) {
                case RDB_ENC_INT8: in.skip(1); return;
                case RDB_ENC_INT16: in.skip(2); return;
                case RDB_ENC_INT32: in.skip(4); return;
                case RDB_ENC_LZF: {
                    long clen = readLength();
                    checkLzfLengths(clen, readLength());
                    in.skip(clen);
                    return;
                }
                default: throw new RdbException("corrupt RDB: unknown string encoding " + len);
            }
        }
    }

    /** Old-style (RDB type 3) score: length byte, 253 NaN, 254 +inf, 255 -inf, else ASCII. */
    byte[] readDoubleString() throws IOException {
        int len = in.readUnsignedByte();
        switch (len) {
            case 253: return "nan".getBytes(StandardCharsets.US_ASCII);
            case 254: return "inf".getBytes(StandardCharsets.US_ASCII);
            case 255: return "-inf".getBytes(StandardCharsets.US_ASCII);
            default: return in.readBytes(len);
        }
    }

    void skipDoubleString() throws IOException {
        int len = in.readUnsignedByte();
        if (len < 253) in.skip(len);
    }

    double readBinaryDouble() throws IOException {
        return Double.longBitsToDouble(in.readLongLE());
    }

    long readMillis() throws IOException {
        return in.readLongLE();
    }

    static byte[] ascii(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    /** Score text Redis accepts (ZADD parses with strtod): shortest round-trip form, inf as "inf". */
    static byte[] score(double d) {
        if (d == Double.POSITIVE_INFINITY) return "inf".getBytes(StandardCharsets.US_ASCII);
        if (d == Double.NEGATIVE_INFINITY) return "-inf".getBytes(StandardCharsets.US_ASCII);
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return ascii((long) d);
        return Double.toString(d).getBytes(StandardCharsets.US_ASCII);
    }
}
