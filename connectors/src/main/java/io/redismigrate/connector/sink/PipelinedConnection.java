package io.redismigrate.connector.sink;

import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.logging.LogContext;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.resp.RespReader;
import io.redismigrate.connector.resp.RespWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * One pipelined connection to one destination node. The calling (task) thread encodes commands straight into the
 * socket's buffer; a reader thread consumes the replies in order and matches them against an {@link InFlightQueue}.
 * The first error reply (in pipeline order) is kept and thrown by the next call; nothing more is sent after it.
 * Not thread-safe: all methods but {@link #inFlight()} and {@link #close()} belong to one producer thread.
 */
public final class PipelinedConnection implements Closeable {
    private static final byte[] SELECT = bytes("SELECT");
    private static final long SELECT_FIXED_SIZE = 4 + RespWriter.bulkSize(SELECT.length);
    private static final long NOBODY = Long.MAX_VALUE;
    private static final long PARK_NANOS = 10_000_000L; // a missed wake-up costs at most this

    private final RedisConnection connection;
    private final RedisEndpoint target;
    private final RespWriter out;
    private final RespReader in;
    private final InFlightQueue queue;
    private final int maxCount;
    private final long maxBytes;
    private final Counter commandsWritten;
    private final Counter bytesWritten;
    private final Thread reader;

    private int currentDb; // a new connection starts in DB 0
    private long flushedBytes;

    private volatile Thread producer;
    private volatile long wakeAtHead = NOBODY;
    private volatile long wakeAtAcked;
    private volatile IOException failure; // the first failure: an error reply or a broken connection
    private volatile boolean broken;      // no more replies will come
    private volatile boolean closed;
    private volatile Counter sendErrors;

    private PipelinedConnection(RedisConnection connection, RedisSinkConfig config, Counter commandsWritten,
                                Counter bytesWritten) throws IOException {
        this.connection = connection;
        this.target = connection.endpoint();
        this.out = connection.writer();
        this.in = connection.reader();
        this.queue = new InFlightQueue(config.maxInFlight());
        this.maxCount = config.maxInFlight();
        this.maxBytes = config.maxInFlightBytes();
        this.commandsWritten = commandsWritten;
        this.bytesWritten = bytesWritten;
        connection.setReadTimeout(config.replyTimeoutMs());
        this.reader = LogContext.daemon(() -> readReplies(config.replyTimeoutMs()), "redis-sink-replies " + target);
        reader.setDaemon(true);
        reader.start();
    }

    /** Counts the commands the target refuses in {@code errors} (FLIP-33 numRecordsSendErrors). */
    public void countErrors(Counter errors) {
        this.sendErrors = errors;
    }

    /** Connects (with AUTH) to {@code endpoint}; failures are {@code RedisAccessException}s naming the target. */
    public static PipelinedConnection open(RedisEndpoint endpoint, RedisSinkConfig config, Counter commandsWritten,
                                           Counter bytesWritten) throws IOException {
        RedisConnection c = RedisConnection.open(endpoint, "target", config.connectTimeoutMs());
        try {
            return new PipelinedConnection(c, config, commandsWritten, bytesWritten);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    public static PipelinedConnection open(RedisEndpoint endpoint, RedisSinkConfig config) throws IOException {
        return open(endpoint, config, new SimpleCounter(), new SimpleCounter());
    }

    /** Sends the event's command (its args) in the event's DB. */
    public void sendCommand(RedisEvent event) throws IOException, InterruptedException {
        selectDb(event);
        byte[][] args = event.args();
        long size = RespWriter.encodedSize(args);
        reserve(event, -1, size);
        try {
            out.command(args);
        } catch (IOException e) {
            throw sendFailed(e);
        }
    }

    /**
     * Sends {@code RESTORE key ttl payload REPLACE [ABSTTL]} in the event's DB; {@code ttlMs} is absolute (Unix ms)
     * with {@code absTtl}, else relative; 0 means no TTL.
     */
    public void sendRestore(RedisEvent event, long ttlMs, boolean absTtl) throws IOException, InterruptedException {
        selectDb(event);
        byte[] key = event.key();
        byte[] payload = event.payload();
        reserve(event, -1, RestoreCommand.encodedSize(key, ttlMs, payload, absTtl));
        try {
            RestoreCommand.write(out, key, ttlMs, payload, absTtl);
        } catch (IOException e) {
            throw sendFailed(e);
        }
    }

    /**
     * Sends {@code args} as they are, on behalf of {@code event} (named in error messages), in whatever DB is
     * selected; a SELECT among them updates the tracked DB. Used for MULTI/EXEC framing and transaction bodies.
     */
    public void sendArgs(RedisEvent event, byte[][] args) throws IOException, InterruptedException {
        long size = RespWriter.encodedSize(args);
        boolean select = args.length == 2 && isSelect(args[0]);
        reserve(event, -1, size);
        try {
            out.command(args);
        } catch (IOException e) {
            throw sendFailed(e);
        }
        if (select) currentDb = Integer.parseInt(new String(args[1], StandardCharsets.US_ASCII));
    }

    /** Makes {@code db} the selected DB, sending SELECT only when it changes. */
    public void select(RedisEvent event, int db) throws IOException, InterruptedException {
        selectDb(event, db);
    }

    private static boolean isSelect(byte[] name) {
        if (name.length != SELECT.length) return false;
        for (int i = 0; i < name.length; i++) {
            if ((name[i] & 0xdf) != SELECT[i]) return false;
        }
        return true;
    }

    private void selectDb(RedisEvent event) throws IOException, InterruptedException {
        selectDb(event, event.db());
    }

    private void selectDb(RedisEvent event, int db) throws IOException, InterruptedException {
        if (db == currentDb) return;
        reserve(event, db, SELECT_FIXED_SIZE + RespWriter.bulkSize(RespWriter.numberLength(db)));
        try {
            out.header('*', 2);
            out.bulk(SELECT);
            out.bulk(db);
        } catch (IOException e) {
            throw sendFailed(e);
        }
        currentDb = db;
    }

    /** Waits for room within the in-flight bounds, then records the command about to be written. */
    private void reserve(RedisEvent event, int selectDb, long size) throws IOException, InterruptedException {
        if (failure != null) throw failure;
        if (!queue.hasRoom(size, maxCount, maxBytes)) awaitRoom(size);
        queue.publish(event, selectDb, size);
        commandsWritten.inc();
        bytesWritten.inc(size);
    }

    private void awaitRoom(long size) throws IOException, InterruptedException {
        flushOutput(); // the replies we wait for may be for commands still in our buffer
        // Wake up only once a quarter of the bounds is free again, not per reply: avoids a context switch per command.
        long lowCount = Math.max(0, maxCount - Math.max(1, maxCount / 4));
        long lowBytes = Math.max(0, maxBytes - Math.max(size, maxBytes / 4));
        while (true) {
            wakeAtAcked = queue.sentBytes() - lowBytes;
            setWakeAtHead(queue.producerTail() - lowCount);
            if (queue.hasRoom(size, maxCount, maxBytes)) break;
            if (failure != null) break;
            park();
        }
        wakeAtHead = NOBODY;
        if (failure != null) throw failure;
    }

    /** Sends everything buffered, waits until every command is answered, then throws the first error if any. */
    public void awaitReplies() throws IOException, InterruptedException {
        flushOutput();
        long last = queue.producerTail();
        wakeAtAcked = Long.MIN_VALUE;
        while (queue.head() < last && !broken) {
            setWakeAtHead(last);
            if (queue.head() >= last || broken) break;
            park();
        }
        wakeAtHead = NOBODY;
        if (failure != null) throw failure;
    }

    private void setWakeAtHead(long head) {
        if (producer == null) producer = Thread.currentThread();
        wakeAtHead = head;
    }

    private static void park() throws InterruptedException {
        LockSupport.parkNanos(PARK_NANOS);
        if (Thread.interrupted()) throw new InterruptedException();
    }

    /** Writes buffered commands to the socket. */
    public void flushOutput() throws IOException {
        if (failure != null && broken) throw failure;
        try {
            out.flush();
        } catch (IOException e) {
            throw sendFailed(e);
        }
        flushedBytes = out.bytesWritten();
    }

    /** True if commands wait in the buffer, unsent. */
    public boolean hasUnflushed() {
        return out.bytesWritten() != flushedBytes;
    }

    /** Commands sent (or buffered) and not yet answered; safe from any thread. */
    public int inFlight() {
        return queue.size();
    }

    public RedisEndpoint target() {
        return target;
    }

    private IOException sendFailed(IOException e) {
        if (failure != null) return failure; // the reader saw it first, with a better message
        IOException f = new IOException("target " + target + ": connection lost while sending (" + e.getMessage()
                + "); check that the destination is up and reachable", e);
        fail(f, true);
        return f;
    }

    private void readReplies(int replyTimeoutMs) {
        long head = 0;
        try {
            while (!closed) {
                RespError error;
                try {
                    error = in.skip();
                } catch (SocketTimeoutException e) {
                    if (queue.tail() == head) continue; // idle: nothing was expected
                    fail(new IOException("target " + target + ": no reply within " + replyTimeoutMs + " ms with "
                            + (queue.tail() - head) + " commands in flight; the destination is blocked or overloaded"), true);
                    return;
                }
                awaitPublished(head);
                if (error != null && failure == null) {
                    Counter errors = sendErrors;
                    if (errors != null) errors.inc();
                    fail(WriteErrors.rejected(target, queue.event(head), queue.selectDb(head), error), false);
                }
                long acked = queue.release(head);
                head++;
                if (head >= wakeAtHead && acked >= wakeAtAcked) wake();
            }
        } catch (IOException | RuntimeException e) {
            if (closed) return;
            fail(new IOException("target " + target + ": connection lost (" + e.getMessage() + ") with "
                    + (queue.tail() - head) + " commands unanswered; check that the destination is up and reachable", e), true);
        }
    }

    /** A reply precedes its descriptor only by a few instructions (it is published before the bytes are written). */
    private void awaitPublished(long seq) throws IOException {
        long deadline = 0;
        while (queue.tail() <= seq) {
            if (deadline == 0) deadline = System.nanoTime() + 1_000_000_000L;
            else if (System.nanoTime() > deadline) throw new IOException("reply without a command sent");
            Thread.onSpinWait();
        }
    }

    private synchronized void fail(IOException e, boolean connectionBroken) {
        if (failure == null) failure = e;
        if (connectionBroken) broken = true;
        wake();
    }

    private void wake() {
        Thread p = producer;
        if (p != null) {
            wakeAtHead = NOBODY;
            LockSupport.unpark(p);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        ReplyReaders.closeAndJoin(connection, reader);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
