package io.redismigrate.connector.source.reader;

import io.redismigrate.connector.event.RedisEvent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hand-off from a split's parser thread to the fetcher: batches of events, bounded in bytes so that big RESTORE
 * payloads cannot pile up. The producer blocks when full; an error or the end is passed along in order.
 */
final class EventQueue {
    private static final int BATCH = 1024;

    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<List<RedisEvent>> batches = new ArrayDeque<>();
    private long bytes;
    private boolean ended;
    private Throwable error;
    private volatile boolean closed;

    // producer-side batch being filled (producer thread only)
    private List<RedisEvent> filling = new ArrayList<>(BATCH);
    private long fillingBytes;

    EventQueue(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Producer: adds an event; publishes a batch when it is full. */
    void add(RedisEvent e) throws InterruptedException {
        filling.add(e);
        fillingBytes += size(e);
        if (filling.size() >= BATCH || fillingBytes >= (1 << 20)) publish();
    }

    /** Producer: publishes the partly filled batch (call when input pauses). */
    void publish() throws InterruptedException {
        if (filling.isEmpty()) return;
        lock.lockInterruptibly();
        try {
            while (bytes > 0 && bytes + fillingBytes > maxBytes && !closed) notFull.await(100, TimeUnit.MILLISECONDS);
            batches.add(filling);
            bytes += fillingBytes;
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
        filling = new ArrayList<>(BATCH);
        fillingBytes = 0;
    }

    void end() throws InterruptedException {
        publish();
        lock.lock();
        try {
            ended = true;
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    void fail(Throwable t) {
        lock.lock();
        try {
            error = t;
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Consumer: the next batch, or null if none arrived within the timeout. Throws the producer's error once the
     * batches before it are drained. {@link #isEnded()} tells whether null means the end.
     */
    List<RedisEvent> poll(long timeoutMs) throws Exception {
        lock.lock();
        try {
            if (batches.isEmpty() && !ended && error == null) notEmpty.await(timeoutMs, TimeUnit.MILLISECONDS);
            List<RedisEvent> b = batches.poll();
            if (b != null) {
                long n = 0;
                for (RedisEvent e : b) n += size(e);
                bytes -= n;
                notFull.signal();
                return b;
            }
            if (error != null) {
                if (error instanceof Exception) throw (Exception) error;
                throw new RuntimeException(error);
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    boolean isEnded() {
        lock.lock();
        try {
            return ended && batches.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    void close() {
        closed = true;
    }

    static long size(RedisEvent e) {
        long n = 64 + (e.key() == null ? 0 : e.key().length);
        if (e.payload() != null) n += e.payload().length;
        if (e.args() != null) for (byte[] a : e.args()) n += a.length + 16;
        return n;
    }
}
