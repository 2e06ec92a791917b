package io.redismigrate.connector.resp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Encodes commands as RESP arrays of bulk strings straight into an output stream (no intermediate copies). */
public final class RespWriter {
    private static final byte[] CRLF = {'\r', '\n'};
    private final OutputStream out;
    private final byte[] numBuf = new byte[24];
    private long bytesWritten;

    public RespWriter(OutputStream out) {
        this.out = out;
    }

    public void command(byte[]... args) throws IOException {
        header('*', args.length);
        for (byte[] arg : args) bulk(arg);
    }

    public void command(String... args) throws IOException {
        header('*', args.length);
        for (String arg : args) bulk(arg.getBytes(StandardCharsets.UTF_8));
    }

    /** Starts an array of {@code n} bulk strings; follow with {@link #bulk} calls. */
    public void header(char type, long n) throws IOException {
        out.write(type);
        bytesWritten++;
        number(n);
        out.write(CRLF);
        bytesWritten += 2;
    }

    public void bulk(byte[] arg) throws IOException {
        header('$', arg.length);
        out.write(arg);
        out.write(CRLF);
        bytesWritten += arg.length + 2;
    }

    /** A number as a bulk string (RESTORE's TTL, SELECT's index) without allocating. */
    public void bulk(long number) throws IOException {
        int len = numberLength(number);
        header('$', len);
        number(number);
        out.write(CRLF);
        bytesWritten += 2;
    }

    public void flush() throws IOException {
        out.flush();
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    private void number(long n) throws IOException {
        if (n >= 0 && n < 10) {
            out.write('0' + (int) n);
            bytesWritten++;
            return;
        }
        int pos = numBuf.length;
        boolean neg = n < 0;
        long v = neg ? -n : n;
        do {
            numBuf[--pos] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v != 0);
        if (neg) numBuf[--pos] = '-';
        out.write(numBuf, pos, numBuf.length - pos);
        bytesWritten += numBuf.length - pos;
    }

    /** Size in bytes of one command encoded as RESP, for batching decisions. */
    public static long encodedSize(byte[][] args) {
        long n = 1 + digits(args.length) + 2;
        for (byte[] a : args) n += 1 + digits(a.length) + 2 + a.length + 2;
        return n;
    }

    /** Encoded size of one bulk string of {@code len} bytes. */
    public static long bulkSize(long len) {
        return 1 + digits(len) + 2 + len + 2;
    }

    /** Characters of {@code n} in decimal, sign included. */
    public static int numberLength(long n) {
        return n < 0 ? 1 + digits(-n) : digits(n);
    }

    private static int digits(long n) {
        int d = 1;
        while (n >= 10) { n /= 10; d++; }
        return d;
    }
}
