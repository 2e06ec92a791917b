package io.redismigrate.connector.replication;

import io.redismigrate.connector.resp.RespProtocolException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Parses the replication command stream (RESP arrays of bulk strings) and tracks the exact replication offset:
 * {@link #offset()} is the offset of the last byte consumed, so after {@link #next()} it is the offset at which
 * the returned command ends — the value a replica reports in {@code REPLCONF ACK} once it has applied it.
 */
public final class CommandStreamReader {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private long offset;

    /** {@code startOffset}: the offset already covered (the byte before the stream's first byte). */
    public CommandStreamReader(InputStream in, long startOffset) {
        this.in = in;
        this.offset = startOffset;
    }

    public long offset() {
        return offset;
    }

    /** Whether bytes are already buffered (the next command may be ready without blocking). */
    public boolean hasBuffered() {
        return pos < limit;
    }

    /** Reads the next command; blocks until it has fully arrived. */
    public byte[][] next() throws IOException {
        int b = read();
        while (b == '\n' || b == '\r') b = read(); // stray newlines (keep-alives) carry no command
        if (b != '*') {
            throw new RespProtocolException("replication stream: expected a command array, got byte 0x" + Integer.toHexString(b)
                    + " at offset " + offset);
        }
        long n = readNumber();
        if (n < 1 || n > 1_000_000_000L) throw new RespProtocolException("replication stream: bad argument count " + n);
        byte[][] args = new byte[(int) n][];
        for (int i = 0; i < n; i++) {
            int t = read();
            if (t != '$') throw new RespProtocolException("replication stream: expected a bulk string at offset " + offset);
            long len = readNumber();
            if (len < 0 || len > (1L << 31) - 8) throw new RespProtocolException("replication stream: bad bulk length " + len);
            byte[] a = new byte[(int) len];
            readFully(a);
            if (read() != '\r' || read() != '\n') throw new RespProtocolException("replication stream: missing CRLF at offset " + offset);
            args[i] = a;
        }
        return args;
    }

    private long readNumber() throws IOException {
        long v = 0;
        boolean neg = false;
        int b = read();
        if (b == '-') { neg = true; b = read(); }
        while (b != '\r') {
            if (b < '0' || b > '9') throw new RespProtocolException("replication stream: bad digit at offset " + offset);
            v = v * 10 + (b - '0');
            b = read();
        }
        if (read() != '\n') throw new RespProtocolException("replication stream: CR without LF at offset " + offset);
        return neg ? -v : v;
    }

    private int read() throws IOException {
        if (pos == limit && !fill()) throw new EOFException("the replication stream ended");
        offset++;
        return buf[pos++] & 0xff;
    }

    private void readFully(byte[] dst) throws IOException {
        int done = 0;
        while (done < dst.length) {
            if (pos == limit && !fill()) throw new EOFException("the replication stream ended");
            int n = Math.min(dst.length - done, limit - pos);
            System.arraycopy(buf, pos, dst, done, n);
            pos += n;
            done += n;
            offset += n;
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        while (n == 0) n = in.read(buf, 0, buf.length);
        if (n < 0) return false;
        pos = 0;
        limit = n;
        return true;
    }
}
