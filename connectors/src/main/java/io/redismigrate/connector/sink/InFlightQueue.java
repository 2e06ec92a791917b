package io.redismigrate.connector.sink;

import io.redismigrate.connector.event.RedisEvent;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Descriptors of the commands sent but not yet answered, in pipeline order: a single-producer (the task thread)
 * single-consumer (the reply reader) ring without locks. A slot holds the event (for the error message only), the
 * DB of a SELECT sent for it (or -1), and the running total of bytes sent up to and including the command, so the
 * consumer can publish how many bytes are answered.
 */
final class InFlightQueue {
    private final RedisEvent[] events;
    private final int[] selectDbs;
    private final long[] endBytes;
    private final int mask;

    private final AtomicLong head = new AtomicLong();       // written by the consumer only
    private final AtomicLong ackedBytes = new AtomicLong(); // written by the consumer only
    private final AtomicLong tail = new AtomicLong();       // written by the producer only

    // producer-only fields
    private long producerTail;
    private long sentBytes;
    private long headCache;
    private long ackedCache;

    InFlightQueue(int maxInFlight) {
        int capacity = Integer.highestOneBit(Math.max(1, maxInFlight - 1)) << 1;
        events = new RedisEvent[capacity];
        selectDbs = new int[capacity];
        endBytes = new long[capacity];
        mask = capacity - 1;
    }

    // ---- producer side

    /** True if one more command of {@code bytes} keeps within both bounds (a lone command may exceed maxBytes). */
    boolean hasRoom(long bytes, int maxCount, long maxBytes) {
        long t = producerTail;
        if (t - headCache >= maxCount) {
            headCache = head.get();
            if (t - headCache >= maxCount) return false;
        }
        if (sentBytes + bytes - ackedCache > maxBytes && t != headCache) {
            ackedCache = ackedBytes.get();
            headCache = head.get();
            return t == headCache || sentBytes + bytes - ackedCache <= maxBytes;
        }
        return true;
    }

    /** Records a command before its bytes are written, so its reply always finds it. */
    void publish(RedisEvent event, int selectDb, long bytes) {
        long t = producerTail;
        int i = (int) (t & mask);
        events[i] = event;
        selectDbs[i] = selectDb;
        sentBytes += bytes;
        endBytes[i] = sentBytes;
        producerTail = t + 1;
        tail.lazySet(t + 1); // release: the slot's contents are visible before the new tail
    }

    long producerTail() { return producerTail; }
    long sentBytes() { return sentBytes; }

    // ---- consumer side

    long head() { return head.get(); }
    long tail() { return tail.get(); }

    RedisEvent event(long seq) { return events[(int) (seq & mask)]; }
    int selectDb(long seq) { return selectDbs[(int) (seq & mask)]; }

    /** Marks the oldest command {@code seq} answered; returns the bytes answered so far. */
    long release(long seq) {
        int i = (int) (seq & mask);
        events[i] = null;
        long acked = endBytes[i];
        ackedBytes.lazySet(acked);
        head.set(seq + 1); // volatile: pairs with the producer's wake-up request (see PipelinedConnection)
        return acked;
    }

    int size() {
        return (int) (tail.get() - head.get());
    }
}
