package io.redismigrate.connector.replication;

import io.redismigrate.connector.logging.LogContext;
import io.redismigrate.connector.resp.RedisAccessException;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.resp.RespProtocolException;
import io.redismigrate.connector.resp.RespReader;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Connects to a source node as a replica: handshake ({@code REPLCONF}, {@code PSYNC}), then a daemon thread reads
 * the socket at full speed into a {@link Spool}: the RDB snapshot (after {@code +FULLRESYNC}) followed by the
 * replication command stream. The consumer reads the RDB through {@link #rdbStream()} and then the commands
 * through {@link #commandStream()}, from one thread.
 *
 * <p>Offsets follow Redis' replica: {@link #offset()} is the offset of the last command byte handed out (what a
 * replica reports as {@code master_repl_offset} and sends with {@code REPLCONF ACK}); to resume on a new
 * connection call {@code psync(replId, offset + 1)}, since PSYNC asks for the first byte that is still missing.
 */
public final class ReplicationClient implements Closeable {
    private static final int READ_BUFFER = 256 * 1024;
    /** Length of the random delimiter of a diskless transfer ({@code CONFIG_RUN_ID_SIZE} in Redis). */
    private static final int EOF_MARK_LEN = 40;

    private final RedisConnection conn;
    private final ReplicationConfig config;
    private final String who;
    private final Object writeLock = new Object();

    private SyncStart start;
    private Spool spool;
    private Thread reader;
    private volatile Thread acker;
    private volatile boolean closed;
    private volatile long bytesReceived;
    private volatile long rdbLength = -1;
    private volatile long announcedRdbLength = -1;
    private volatile int keepAlives;
    private volatile long lastAck = -1;
    private volatile boolean streamStarted;
    // consumer side (one thread)
    private boolean rdbDrained;
    private long streamConsumed;
    private InputStream rdbStream;
    private InputStream commandStream;

    private ReplicationClient(RedisConnection conn, ReplicationConfig config) {
        this.conn = conn;
        this.config = config;
        this.who = "source " + conn.endpoint();
    }

    /**
     * Opens the connection and authenticates. Fails fast with a {@link RedisAccessException} (one line: node,
     * cause, fix) when the source is unreachable or refuses the credentials.
     */
    public static ReplicationClient connect(RedisEndpoint source, ReplicationConfig config) throws IOException {
        return new ReplicationClient(RedisConnection.open(source, "source", config.connectTimeoutMs()), config);
    }

    /**
     * Starts replication. {@code replId} null or "?" asks for a full sync (the offset is then sent as -1);
     * otherwise {@code offset} is the first byte wanted, i.e. the previous {@link #offset()} + 1.
     *
     * @throws RedisAccessException the user lacks the permission to replicate (NOPERM)
     * @throws IOException          any other refusal (e.g. NOMASTERLINK, LOADING), with the source's text
     */
    public SyncStart psync(String replId, long offset) throws IOException {
        if (start != null) throw new IllegalStateException("psync was already called; open a new ReplicationClient to sync again");
        if (closed) throw new IllegalStateException("closed");
        conn.setReadTimeout(config.readTimeoutMs());
        expectOk("REPLCONF", conn.call("REPLCONF", "listening-port", String.valueOf(config.listeningPort())));
        expectOk("REPLCONF", conn.call("REPLCONF", "capa", "eof", "capa", "psync2"));
        boolean full = replId == null || replId.isEmpty() || "?".equals(replId);
        String id = full ? "?" : replId;
        String off = full ? "-1" : Long.toString(offset);
        synchronized (writeLock) {
            conn.writer().command("PSYNC", id, off);
            conn.writer().flush();
        }
        String reply = readPsyncReply();
        String[] parts = reply.split(" ");
        if (parts[0].equals("FULLRESYNC") && parts.length == 3) {
            try {
                start = new SyncStart(SyncStart.Kind.FULL, parts[1], Long.parseLong(parts[2]));
            } catch (NumberFormatException e) {
                throw new RespProtocolException(who + " sent an invalid PSYNC reply: +" + reply);
            }
        } else if (parts[0].equals("CONTINUE") && parts.length <= 2) {
            // "+CONTINUE <replid>" with psync2 when the id changed (e.g. after a failover), else the one we sent
            start = new SyncStart(SyncStart.Kind.CONTINUE, parts.length == 2 ? parts[1] : id, offset - 1);
        } else {
            throw new RespProtocolException(who + " sent an unexpected PSYNC reply: +" + reply);
        }
        spool = new Spool(who, Path.of(config.spoolDir()), config.spoolMemoryBytes(), config.spoolMaxBytes());
        lastAck = start.offset();
        reader = LogContext.daemon(this::pump, "redis-migrate-replication " + conn.endpoint());
        reader.setDaemon(true);
        reader.start();
        return start;
    }

    /** The PSYNC reply line, skipping the "\n" keep-alives a source sends while it prepares the sync. */
    private String readPsyncReply() throws IOException {
        InputStream in = conn.input();
        RespReader r = conn.reader();
        try {
            while (true) {
                int c = in.read();
                if (c < 0) throw new IOException(who + " closed the connection after PSYNC; see its log");
                if (c == '\n') {
                    keepAlives++;
                    continue;
                }
                if (c == '+') return r.readLine();
                if (c == '-') throw replyError("PSYNC", new RespError(r.readLine()));
                throw new RespProtocolException(who + " sent an unexpected byte 0x" + Integer.toHexString(c) + " in reply to PSYNC");
            }
        } catch (SocketTimeoutException e) {
            throw new IOException(who + " did not answer PSYNC within " + config.readTimeoutMs() + " ms; check its log", e);
        }
    }

    private void expectOk(String command, Object reply) throws IOException {
        if (reply instanceof RespError) throw replyError(command, (RespError) reply);
    }

    private IOException replyError(String command, RespError e) {
        if ("NOPERM".equals(e.code())) {
            String user = conn.endpoint().user() == null ? "default" : conn.endpoint().user();
            return new RedisAccessException(who + ": user '" + user + "' may not replicate (NOPERM on " + command
                    + "); grant it with: ACL SETUSER " + user + " +psync +replconf +sync");
        }
        if ("NOAUTH".equals(e.code())) {
            return new RedisAccessException(who + " requires a password (NOAUTH); add it to the --source URI as redis://:PASSWORD@host:port");
        }
        return new IOException(who + " refused " + command + ": " + e.message());
    }

    // ------------------------------------------------------------------ background reader

    private void pump() {
        byte[] buf = new byte[READ_BUFFER + EOF_MARK_LEN];
        try {
            InputStream in = conn.input();
            if (start.kind() == SyncStart.Kind.FULL) {
                byte[] mark = readRdbHeader(in);
                if (mark == null) {
                    copyExactly(in, buf, rdbLength);
                } else {
                    copyUntilMark(in, buf, mark);
                }
                rdbLength = spool.written(); // before mark(): a consumer at the RDB end must see the length
                spool.mark();
                startAcker(mark != null);
            } else {
                startAcker(false);
            }
            while (true) {
                int n = fill(in, buf, 0, READ_BUFFER);
                streamStarted = true;
                spool.write(buf, 0, n);
            }
        } catch (IOException e) {
            spool.finish(closed ? new IOException(who + ": replication client closed") : e);
        } catch (RuntimeException | Error e) {
            spool.finish(new IOException(who + ": replication reader failed: " + e, e));
            throw e;
        }
    }

    /** Reads "$&lt;len&gt;" (returns null, sets rdbLength) or "$EOF:&lt;mark&gt;" (returns the mark), skipping keep-alives. */
    private byte[] readRdbHeader(InputStream in) throws IOException {
        int c;
        while ((c = readByte(in)) == '\n') keepAlives++;
        if (c != '$') throw new RespProtocolException(who + " sent 0x" + Integer.toHexString(c) + " where the RDB header ($…) was expected");
        StringBuilder sb = new StringBuilder();
        while ((c = readByte(in)) != '\r') {
            if (sb.length() > 64) throw new RespProtocolException(who + " sent an overlong RDB header");
            sb.append((char) c);
        }
        if (readByte(in) != '\n') throw new RespProtocolException(who + " sent an RDB header without CRLF");
        String header = sb.toString();
        if (header.startsWith("EOF:")) {
            byte[] mark = header.substring(4).getBytes(StandardCharsets.US_ASCII);
            if (mark.length != EOF_MARK_LEN) throw new RespProtocolException(who + " sent a diskless RDB mark of " + mark.length + " bytes, expected " + EOF_MARK_LEN);
            return mark;
        }
        try {
            rdbLength = Long.parseLong(header);
            announcedRdbLength = rdbLength;
        } catch (NumberFormatException e) {
            throw new RespProtocolException(who + " sent an invalid RDB header: $" + header);
        }
        if (rdbLength < 0) throw new RespProtocolException(who + " sent an invalid RDB length: $" + header);
        return null;
    }

    private void copyExactly(InputStream in, byte[] buf, long len) throws IOException {
        while (len > 0) {
            int n = fill(in, buf, 0, (int) Math.min(READ_BUFFER, len));
            spool.write(buf, 0, n);
            len -= n;
        }
    }

    /**
     * Diskless transfer: the RDB ends with the 40-byte mark from the header. Like Redis' own replica we test the
     * last 40 bytes received after every read: nothing follows the mark until we ACK, so the mark is always at the
     * end of a read. The last 40 bytes are held back until more data proves they are not the mark.
     */
    private void copyUntilMark(InputStream in, byte[] buf, byte[] mark) throws IOException {
        int held = 0;
        while (true) {
            int avail = held + fill(in, buf, held, READ_BUFFER);
            if (avail >= EOF_MARK_LEN && Arrays.equals(buf, avail - EOF_MARK_LEN, avail, mark, 0, EOF_MARK_LEN)) {
                spool.write(buf, 0, avail - EOF_MARK_LEN);
                return;
            }
            int emit = Math.max(0, avail - EOF_MARK_LEN);
            if (emit > 0) {
                spool.write(buf, 0, emit);
                System.arraycopy(buf, emit, buf, 0, avail - emit);
            }
            held = avail - emit;
        }
    }

    private int readByte(InputStream in) throws IOException {
        int c;
        try {
            c = in.read();
        } catch (IOException e) {
            throw describe(e);
        }
        if (c < 0) throw closedBySource();
        bytesReceived++;
        return c;
    }

    private int fill(InputStream in, byte[] buf, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(buf, off, len);
        } catch (IOException e) {
            throw describe(e);
        }
        if (n < 0) throw closedBySource();
        bytesReceived += n;
        return n;
    }

    private IOException closedBySource() {
        return new IOException(who + " closed the replication connection after " + bytesReceived
                + " bytes; see its log (often client-output-buffer-limit replica or repl-timeout was hit)");
    }

    private IOException describe(IOException e) {
        if (closed) return new IOException(who + ": replication client closed", e);
        if (e instanceof SocketTimeoutException) {
            return new IOException(who + " sent nothing for " + config.readTimeoutMs()
                    + " ms on the replication connection; it is considered lost (raise the read timeout if the source is that slow)", e);
        }
        return new IOException(who + ": the replication connection failed after " + bytesReceived + " bytes (" + e.getMessage() + ")", e);
    }

    /**
     * ACKs on a timer, for two reasons. (1) After a diskless transfer the source holds the command stream back
     * until the replica's first ACK, and ignores an ACK that arrives before it has reaped its RDB child (Redis'
     * own replica gets away with that by ACKing every second), so until the first stream byte arrives we ACK
     * every 100 ms. (2) The source drops a PSYNC replica whose last ACK is older than its repl-timeout, and the
     * consumer may stall for longer than that (destination down), so the last acknowledged offset is re-sent
     * every {@code ackIntervalMs}.
     */
    private void startAcker(boolean disklessStart) {
        if (config.ackIntervalMs() == 0 && !disklessStart) return;
        Thread t = LogContext.daemon(() -> {
            try {
                while (!closed) {
                    boolean starting = disklessStart && !streamStarted;
                    if (!starting && config.ackIntervalMs() == 0) return;
                    if (starting) sendAck(lastAck);
                    Thread.sleep(starting ? 100 : config.ackIntervalMs());
                    if (!starting) sendAck(lastAck);
                }
            } catch (InterruptedException | IOException e) {
                // closed, or the connection broke: the reader thread reports that to the consumer
            }
        }, "redis-migrate-replication-ack " + conn.endpoint());
        t.setDaemon(true);
        acker = t;
        t.start();
    }

    private void sendAck(long offset) throws IOException {
        synchronized (writeLock) {
            conn.writer().command("REPLCONF", "ACK", Long.toString(offset));
            conn.writer().flush();
        }
    }

    // ------------------------------------------------------------------ consumer API

    /** A consumer view of the spool: bulk reads only; the single-byte read goes through them. */
    private abstract static class SpoolStream extends InputStream {
        private final byte[] one = new byte[1];

        abstract int readChecked(byte[] b, int off, int len) throws IOException;

        @Override
        public int read() throws IOException {
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            return readChecked(b, off, len);
        }
    }

    /** The PSYNC answer, or null before {@link #psync}. */
    public SyncStart syncStart() {
        return start;
    }

    /** After FULLRESYNC: exactly the RDB bytes (headers and diskless mark stripped), then end of stream. */
    public InputStream rdbStream() {
        requireStarted();
        if (start.kind() != SyncStart.Kind.FULL) throw new IllegalStateException("no RDB: the source continued the partial resync");
        if (rdbStream == null) {
            rdbStream = new SpoolStream() {
                @Override
                int readChecked(byte[] b, int off, int len) throws IOException {
                    int n = spool.read(b, off, len, true);
                    if (n < 0) rdbDrained = true;
                    return n;
                }
            };
        }
        return rdbStream;
    }

    /**
     * The replication stream (RESP commands) after the RDB, or right after +CONTINUE. Any unread rest of the RDB is
     * skipped on the first read.
     */
    public InputStream commandStream() {
        requireStarted();
        if (commandStream == null) {
            commandStream = new SpoolStream() {
                @Override
                int readChecked(byte[] b, int off, int len) throws IOException {
                    if (!rdbDrained && start.kind() == SyncStart.Kind.FULL) {
                        InputStream rdb = rdbStream();
                        byte[] skip = new byte[64 * 1024];
                        while (rdb.read(skip, 0, skip.length) >= 0) { /* skip */ }
                    }
                    int n = spool.read(b, off, len, false);
                    if (n > 0) streamConsumed += n;
                    return n;
                }
            };
        }
        return commandStream;
    }

    /**
     * Sends {@code REPLCONF ACK offset}: everything up to {@code offset} is processed. It is also re-sent on a timer
     * until the next call. Thread-safe.
     */
    public void ack(long offset) throws IOException {
        requireStarted();
        lastAck = offset;
        sendAck(offset);
    }

    /** Replication offset of the last command byte read from {@link #commandStream()}. */
    public long offset() {
        requireStarted();
        return start.offset() + streamConsumed;
    }

    /** Bytes read from the socket since PSYNC was answered (RDB header, RDB, command stream). */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** Bytes received but not yet read by the consumer (memory and spool files). */
    public long spooledBytes() {
        return spool == null ? 0 : spool.buffered();
    }

    /** RDB size once its end is known (at once for disk-based transfers, at the end for diskless), else -1. */
    public long rdbLength() {
        return rdbLength;
    }

    /** RDB length announced by a disk-based transfer's {@code $<length>} header; -1 for diskless or before it arrived. */
    public long announcedRdbLength() {
        return announcedRdbLength;
    }

    /** Number of "\n" keep-alives the source sent while preparing the sync. */
    public int keepAlives() {
        return keepAlives;
    }

    private void requireStarted() {
        if (start == null) throw new IllegalStateException("call psync first");
    }

    /** Stops the threads, closes the connection and deletes the spool files. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            conn.close(); // unblocks the reader in a socket read
        } finally {
            if (spool != null) spool.close(); // unblocks the reader in a full spool, deletes the files
            Thread a = acker;
            if (a != null) a.interrupt();
            if (reader != null) {
                try {
                    reader.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
