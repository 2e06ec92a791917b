package io.redismigrate.connector.resp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RESP2 replies from a buffered stream. {@link #read()} materialises a reply (simple string → String,
 * error → {@link RespError}, integer → Long, bulk → byte[], array → List); {@link #skip()} consumes one reply
 * without allocating and returns only its error, which is what a pipelined writer needs.
 */
public final class RespReader {
    private final InputStream in;

    public RespReader(InputStream in) {
        this.in = in;
    }

    public Object read() throws IOException {
        int type = readByte();
        switch (type) {
            case '+': return readLine();
            case '-': return new RespError(readLine());
            case ':': return readLong();
            case '$': {
                long len = readLong();
                if (len < 0) return null;
                byte[] b = new byte[Math.toIntExact(len)];
                readFully(b);
                expectCrlf();
                return b;
            }
            case '*': {
                long n = readLong();
                if (n < 0) return null;
                List<Object> items = new ArrayList<>((int) Math.min(n, 1024));
                for (long i = 0; i < n; i++) items.add(read());
                return items;
            }
            default:
                throw new RespProtocolException("unexpected RESP type byte 0x" + Integer.toHexString(type));
        }
    }

    /** Consumes one reply; returns its error, the first error nested in an array, or null. */
    public RespError skip() throws IOException {
        int type = readByte();
        switch (type) {
            case '+': skipLine(); return null;
            case '-': return new RespError(readLine());
            case ':': skipLine(); return null;
            case '$': {
                long len = readLong();
                if (len > 0) skipBytes(len);
                if (len >= 0) expectCrlf();
                return null;
            }
            case '*': {
                long n = readLong();
                RespError first = null;
                for (long i = 0; i < n; i++) {
                    RespError e = skip();
                    if (first == null) first = e;
                }
                return first;
            }
            default:
                throw new RespProtocolException("unexpected RESP type byte 0x" + Integer.toHexString(type));
        }
    }

    public int readByte() throws IOException {
        int b = in.read();
        if (b < 0) throw new EOFException("connection closed by the server");
        return b;
    }

    public String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = readByte();
            if (b == '\r') {
                if (readByte() != '\n') throw new RespProtocolException("CR without LF in a RESP line");
                return sb.toString();
            }
            sb.append((char) b);
        }
    }

    public long readLong() throws IOException {
        long v = 0;
        boolean neg = false;
        int b = readByte();
        if (b == '-') { neg = true; b = readByte(); }
        while (b != '\r') {
            if (b < '0' || b > '9') throw new RespProtocolException("bad digit in RESP length: 0x" + Integer.toHexString(b));
            v = v * 10 + (b - '0');
            b = readByte();
        }
        if (readByte() != '\n') throw new RespProtocolException("CR without LF in a RESP line");
        return neg ? -v : v;
    }

    public void readFully(byte[] b) throws IOException {
        int off = 0;
        while (off < b.length) {
            int n = in.read(b, off, b.length - off);
            if (n < 0) throw new EOFException("connection closed by the server");
            off += n;
        }
    }

    private void skipLine() throws IOException {
        while (readByte() != '\r') { /* skip */ }
        readByte();
    }

    private void skipBytes(long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) { readByte(); s = 1; }
            n -= s;
        }
    }

    private void expectCrlf() throws IOException {
        if (readByte() != '\r' || readByte() != '\n') throw new RespProtocolException("missing CRLF after bulk string");
    }

    public static String text(Object reply) {
        if (reply instanceof byte[]) return new String((byte[]) reply, StandardCharsets.UTF_8);
        return String.valueOf(reply);
    }
}
