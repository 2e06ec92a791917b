package io.redismigrate.connector.rdb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The CRC-64 that Redis puts at the end of an RDB file and of a DUMP payload (CRC-64/Jones as in Redis'
 * {@code crc64.c}: reflected polynomial 0xad93d23594c935a9, init 0, no final xor; check value of "123456789"
 * is 0xe9c6d914c4b8d9ca).
 *
 * <p>It runs over every byte of a snapshot, so it uses slicing-by-8: one 8-byte little-endian load and eight
 * table look-ups per 8 bytes instead of eight dependent byte steps.
 */
public final class Crc64 {
    /** The Jones polynomial 0xad93d23594c935a9 with its bits reversed, as a reflected CRC needs it. */
    private static final long POLY_REFLECTED = 0x95ac9329ac4bc9b5L;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    // T0 is the classic byte table; Tk[n] is the CRC of byte n followed by k zero bytes.
    private static final long[] T0 = new long[256], T1 = new long[256], T2 = new long[256], T3 = new long[256],
            T4 = new long[256], T5 = new long[256], T6 = new long[256], T7 = new long[256];

    static {
        for (int n = 0; n < 256; n++) {
            long c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
            T0[n] = c;
        }
        long[][] t = {T0, T1, T2, T3, T4, T5, T6, T7};
        for (int k = 1; k < 8; k++) {
            for (int n = 0; n < 256; n++) {
                long prev = t[k - 1][n];
                t[k][n] = (prev >>> 8) ^ T0[(int) prev & 0xff];
            }
        }
    }

    private Crc64() {
    }

    /** Continues {@code crc} (0 to start) over {@code len} bytes of {@code b} from {@code off}. */
    public static long update(long crc, byte[] b, int off, int len) {
        if (off < 0 || len < 0 || off + len > b.length || off + len < 0) {
            throw new IndexOutOfBoundsException("off " + off + ", len " + len + ", array " + b.length);
        }
        int i = off;
        int end8 = off + (len & ~7);
        while (i < end8) {
            long c = crc ^ (long) LONG_LE.get(b, i);
            crc = T7[(int) c & 0xff] ^ T6[(int) (c >>> 8) & 0xff] ^ T5[(int) (c >>> 16) & 0xff]
                    ^ T4[(int) (c >>> 24) & 0xff] ^ T3[(int) (c >>> 32) & 0xff] ^ T2[(int) (c >>> 40) & 0xff]
                    ^ T1[(int) (c >>> 48) & 0xff] ^ T0[(int) (c >>> 56)];
            i += 8;
        }
        int end = off + len;
        while (i < end) {
            crc = T0[(int) (crc ^ b[i++]) & 0xff] ^ (crc >>> 8);
        }
        return crc;
    }

    public static long of(byte[] b, int off, int len) {
        return update(0, b, off, len);
    }
}
