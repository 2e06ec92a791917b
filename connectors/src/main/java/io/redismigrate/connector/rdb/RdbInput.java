package io.redismigrate.connector.rdb;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Buffered byte input for the RDB parser with three extras:
 * <ul>
 *   <li>a running CRC64 over every byte taken from the stream (for the checksum at the end);</li>
 *   <li>capture: while on, every consumed byte is also copied into a growable buffer, which is how a value's
 *       bytes are sliced into a RESTORE payload without decoding; the capture has a size limit, past which
 *       {@link CaptureLimitExceeded} is thrown before the bytes are consumed;</li>
 *   <li>replay: captured bytes can be pushed back and are read again (without counting them twice in the CRC),
 *       so a value that turned out too big is walked a second time on the decoding path.</li>
 * </ul>
 */
public final class RdbInput {
    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;
    private int crcFrom;
    private long crc;
    private long consumedBefore; // stream bytes consumed before buf[0]

    private byte[] replay;
    private int replayPos;
    private int replayLimit;

    private boolean capturing;
    private byte[] capture = new byte[256];
    private int captureLen;
    private long captureLimit = Long.MAX_VALUE;

    public RdbInput(InputStream in) {
        this(in, 1 << 16);
    }

    public RdbInput(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    /** Bytes consumed from the underlying stream so far (not counting replays). */
    public long position() {
        return consumedBefore + pos;
    }

    public int readUnsignedByte() throws IOException {
        if (capturing && captureLen + 1L > captureLimit) throw CaptureLimitExceeded.INSTANCE;
        if (replay != null) {
            int b = replay[replayPos++] & 0xff;
            if (replayPos == replayLimit) replay = null;
            if (capturing) appendCapture(b);
            return b;
        }
        if (pos == limit && fill() <= 0) throw new EOFException();
        int b = buf[pos++] & 0xff;
        if (capturing) appendCapture(b);
        return b;
    }

    public void readFully(byte[] dst, int off, int len) throws IOException {
        if (capturing) ensureCapture(len);
        int done = 0;
        while (done < len) {
            int n;
            if (replay != null) {
                n = Math.min(len - done, replayLimit - replayPos);
                System.arraycopy(replay, replayPos, dst, off + done, n);
                replayPos += n;
                if (replayPos == replayLimit) replay = null;
            } else {
                if (pos == limit && fill() <= 0) throw new EOFException();
                n = Math.min(len - done, limit - pos);
                System.arraycopy(buf, pos, dst, off + done, n);
                pos += n;
            }
            if (capturing) {
                growCapture(n);
                System.arraycopy(dst, off + done, capture, captureLen, n);
                captureLen += n;
            }
            done += n;
        }
    }

    public byte[] readBytes(int len) throws IOException {
        byte[] b = new byte[len];
        readFully(b, 0, len);
        return b;
    }

    /** Consumes {@code len} bytes without returning them (they still go into the capture and the CRC). */
    public void skip(long len) throws IOException {
        if (capturing) ensureCapture(len);
        while (len > 0) {
            int n;
            if (replay != null) {
                n = (int) Math.min(len, replayLimit - replayPos);
                if (capturing) { growCapture(n); System.arraycopy(replay, replayPos, capture, captureLen, n); captureLen += n; }
                replayPos += n;
                if (replayPos == replayLimit) replay = null;
            } else {
                if (pos == limit && fill() <= 0) throw new EOFException();
                n = (int) Math.min(len, limit - pos);
                if (capturing) { growCapture(n); System.arraycopy(buf, pos, capture, captureLen, n); captureLen += n; }
                pos += n;
            }
            len -= n;
        }
    }

    public long readLongLE() throws IOException {
        long v = 0;
        for (int i = 0; i < 8; i++) v |= ((long) readUnsignedByte()) << (8 * i);
        return v;
    }

    public int readIntLE() throws IOException {
        int v = 0;
        for (int i = 0; i < 4; i++) v |= readUnsignedByte() << (8 * i);
        return v;
    }

    /** Starts copying consumed bytes; {@code limit} is the most it may hold. */
    public void startCapture(long limit) {
        capturing = true;
        captureLen = 0;
        captureLimit = limit;
    }

    /** Stops capturing; the captured bytes stay available through {@link #captured()} until the next start. */
    public void stopCapture() {
        capturing = false;
    }

    public byte[] captured() { return capture; }

    public int capturedLength() { return captureLen; }

    /** Stops capturing and pushes the captured bytes back so they are read again next. */
    public void replayCapture() {
        capturing = false;
        if (captureLen == 0) return;
        byte[] bytes = Arrays.copyOf(capture, captureLen);
        if (replay != null) { // still inside an earlier replay: prepend
            byte[] rest = Arrays.copyOfRange(replay, replayPos, replayLimit);
            byte[] both = Arrays.copyOf(bytes, bytes.length + rest.length);
            System.arraycopy(rest, 0, both, bytes.length, rest.length);
            bytes = both;
        }
        replay = bytes;
        replayPos = 0;
        replayLimit = bytes.length;
        captureLen = 0;
        if (capture.length > (1 << 20)) capture = new byte[256]; // don't pin a big buffer
    }

    /** CRC64 of every stream byte consumed so far. */
    public long crc() {
        crc = Crc64.update(crc, buf, crcFrom, pos - crcFrom);
        crcFrom = pos;
        return crc;
    }

    private void appendCapture(int b) {
        if (captureLen == capture.length) capture = Arrays.copyOf(capture, capture.length * 2);
        capture[captureLen++] = (byte) b;
    }

    /** Checks the capture limit before {@code more} bytes are consumed; the buffer grows only as bytes arrive. */
    private void ensureCapture(long more) throws CaptureLimitExceeded {
        if (captureLen + more > captureLimit) throw CaptureLimitExceeded.INSTANCE;
    }

    /**
     * Makes room for {@code n} more captured bytes that have really been read. Growing here rather than for the
     * whole length announced up front keeps a corrupt length in a short file from allocating gigabytes.
     */
    private void growCapture(int n) throws IOException {
        long need = (long) captureLen + n;
        if (need > capture.length) {
            if (need > Integer.MAX_VALUE - 8) throw new RdbException("value too large to capture: over 2 GiB");
            capture = Arrays.copyOf(capture, (int) Math.min(Math.max(need, capture.length * 2L), Integer.MAX_VALUE - 8));
        }
    }

    /** Whether bytes are being captured now. */
    public boolean capturing() { return capturing; }

    private int fill() throws IOException {
        crc = Crc64.update(crc, buf, crcFrom, pos - crcFrom);
        consumedBefore += pos;
        pos = 0;
        crcFrom = 0;
        limit = 0;
        int n = in.read(buf, 0, buf.length);
        while (n == 0) n = in.read(buf, 0, buf.length);
        if (n > 0) limit = n;
        return n;
    }

    /** Thrown when a capture would exceed its limit; the offending bytes are not consumed. */
    public static final class CaptureLimitExceeded extends IOException {
        private static final long serialVersionUID = 1L;
        static final CaptureLimitExceeded INSTANCE = new CaptureLimitExceeded();

        private CaptureLimitExceeded() {
            super("value larger than the capture limit", null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
