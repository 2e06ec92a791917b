package io.redismigrate.connector.rdb;

/** LZF decompression (the format of Redis's lzf_d.c) for LZF-encoded RDB strings. */
public final class Lzf {
    private Lzf() {}

    /** Decompresses {@code in[0..inLen)} into a new array of exactly {@code outLen} bytes. */
    public static byte[] decompress(byte[] in, int inLen, int outLen) throws RdbException {
        byte[] out = new byte[outLen];
        int ip = 0;
        int op = 0;
        while (ip < inLen) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) { // literal run of ctrl + 1 bytes
                int run = ctrl + 1;
                if (op + run > outLen || ip + run > inLen) throw corrupt();
                System.arraycopy(in, ip, out, op, run);
                ip += run;
                op += run;
            } else { // back reference
                int len = ctrl >>> 5;
                if (len == 7) {
                    if (ip >= inLen) throw corrupt();
                    len += in[ip++] & 0xff;
                }
                if (ip >= inLen) throw corrupt();
                int ref = op - ((ctrl & 0x1f) << 8) - 1 - (in[ip++] & 0xff);
                len += 2;
                if (op + len > outLen || ref < 0) throw corrupt();
                for (int k = 0; k < len; k++) out[op++] = out[ref++];
            }
        }
        if (op != outLen) throw corrupt();
        return out;
    }

    private static RdbException corrupt() {
        return new RdbException("corrupt LZF-compressed string");
    }
}
