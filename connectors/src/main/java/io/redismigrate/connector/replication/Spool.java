package io.redismigrate.connector.replication;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded FIFO of bytes between one producer thread (the socket reader) and one consumer thread (the parser).
 *
 * <p>Why: the source keeps the replication stream for us in its replica output buffer and drops the connection
 * when that buffer passes {@code client-output-buffer-limit replica}. Reading the socket at full speed into this
 * spool moves the backlog to our side, so a slow destination never costs a new full sync.
 *
 * <p>Layout: a queue of segments, each a memory chunk or a file. The producer appends to memory while the memory
 * budget allows, otherwise to files in a private directory under {@code dir}; a file is deleted once read. The
 * producer only appends at the tail and the consumer only reads at the head, so order holds whatever mix of
 * segments is in between.
 *
 * <p>Bounds: at most {@code maxBytes} unread bytes (memory and files together). When the spool is full
 * {@link #write} blocks, the socket is no longer read, and in the end the source drops the connection: that is
 * the deliberate failure mode of a consumer that stays behind for longer than the spool lasts.
 *
 * <p>Concurrency: a lock guards only bookkeeping (segment queue, counters); bytes are copied outside it. This is
 * safe because the consumer reads only below a segment's committed size, which the producer raises under the
 * lock after its copy. Both sides move whole chunks per lock round trip, never single bytes.
 *
 * <p>End: the producer calls {@link #finish} with the reason; the consumer first gets every byte written before,
 * then the reason as an IOException (or -1 for a clean end).
 */
public final class Spool implements Closeable {
    static final int MAX_CHUNK = 256 * 1024;
    static final long DEFAULT_FILE_SEGMENT_BYTES = 64L << 20;
    /** Freed chunks kept for reuse, so a steady stream does not allocate (counted in the memory budget). */
    private static final int POOL_MAX = 8;

    private final String name;
    private final Path parentDir;
    private final long memoryBytes;
    private final long maxBytes;
    private final long fileSegmentBytes;
    private final int chunkSize;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private final ArrayDeque<byte[]> pool = new ArrayDeque<>();
    // guarded by lock
    private long memAllocated;
    private long written;
    private long consumed;
    private long mark = -1;
    private boolean finished;
    private IOException failure;
    private boolean closed;
    private Path dir;
    private int fileSeq;
    private int files;
    // copies for lock-free metrics
    private volatile long writtenView;
    private volatile long consumedView;

    /**
     * @param name      names the data in messages, e.g. "source 127.0.0.1:7001"
     * @param parentDir where a private spool directory is created on the first overflow
     */
    public Spool(String name, Path parentDir, long memoryBytes, long maxBytes) {
        this(name, parentDir, memoryBytes, maxBytes, DEFAULT_FILE_SEGMENT_BYTES);
    }

    Spool(String name, Path parentDir, long memoryBytes, long maxBytes, long fileSegmentBytes) {
        if (memoryBytes < 0 || maxBytes < 1 || fileSegmentBytes < 1) throw new IllegalArgumentException("bad spool sizes");
        this.name = name;
        this.parentDir = parentDir;
        this.memoryBytes = memoryBytes;
        this.maxBytes = maxBytes;
        this.fileSegmentBytes = fileSegmentBytes;
        this.chunkSize = (int) Math.max(1, Math.min(MAX_CHUNK, memoryBytes));
    }

    // ------------------------------------------------------------------ producer

    /** Appends bytes; blocks while the spool holds {@code maxBytes} unread bytes. */
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            Segment seg;
            long pos;
            int n;
            lock.lock();
            try {
                while (!closed && written - consumed >= maxBytes) awaitUninterruptibly(notFull);
                if (closed) throw new IOException(name + ": spool closed");
                if (finished) throw new IllegalStateException("write after finish");
                seg = tailWithRoom();
                seg.writing = true;
                pos = seg.committed;
                n = (int) Math.min(len, Math.min(seg.capacity() - pos, maxBytes - (written - consumed)));
            } finally {
                lock.unlock();
            }
            seg.put(pos, b, off, n);
            lock.lock();
            try {
                seg.writing = false;
                seg.committed += n;
                written += n;
                writtenView = written;
                notEmpty.signal();
            } finally {
                lock.unlock();
            }
            off += n;
            len -= n;
        }
    }

    /** Marks the current end of the data: {@link #read} with stopAtMark returns -1 there. */
    public void mark() {
        lock.lock();
        try {
            mark = written;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** No more data: the consumer gets the buffered bytes, then {@code cause} as an IOException, or -1 if null. */
    public void finish(IOException cause) {
        lock.lock();
        try {
            if (finished) return;
            finished = true;
            failure = cause;
            Segment tail = segments.peekLast();
            if (tail != null) seal(tail);
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private Segment tailWithRoom() throws IOException {
        Segment tail = segments.peekLast();
        boolean memory = memoryAvailable();
        if (tail != null && !tail.sealed && tail.committed < tail.capacity()) {
            // prefer memory again as soon as the consumer freed some: files are only the overflow
            if (tail instanceof MemSegment || !memory) return tail;
        }
        if (tail != null) seal(tail);
        Segment seg;
        if (memory) {
            byte[] chunk = pool.poll();
            if (chunk == null) {
                chunk = new byte[chunkSize];
                memAllocated += chunkSize;
            }
            seg = new MemSegment(chunk);
        } else {
            seg = newFileSegment();
        }
        segments.addLast(seg);
        return seg;
    }

    private boolean memoryAvailable() {
        return !pool.isEmpty() || memAllocated + chunkSize <= memoryBytes;
    }

    private FileSegment newFileSegment() throws IOException {
        try {
            if (dir == null) {
                Files.createDirectories(parentDir);
                dir = Files.createTempDirectory(parentDir, "spool-");
            }
            Path path = dir.resolve(String.format("segment-%06d.bin", ++fileSeq));
            FileChannel out = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            files++;
            return new FileSegment(path, out, fileSegmentBytes);
        } catch (IOException e) {
            throw new IOException(name + ": cannot create a spool file in " + parentDir + " (" + e
                    + "); set the spool directory to a writable place with free space", e);
        }
    }

    // ------------------------------------------------------------------ consumer

    /**
     * Reads up to {@code len} bytes, blocking until at least one is there. Returns -1 at the end of the data, or,
     * with {@code stopAtMark}, at the {@link #mark()}. Throws the producer's failure once the data before it is read.
     * One consumer thread only.
     */
    public int read(byte[] b, int off, int len, boolean stopAtMark) throws IOException {
        if (len == 0) return 0;
        Segment seg;
        long pos;
        int n;
        lock.lock();
        try {
            while (true) {
                if (closed) throw new IOException(name + ": spool closed");
                if (stopAtMark && mark >= 0 && consumed == mark) return -1;
                seg = segments.peekFirst();
                while (seg != null && seg.sealed && seg.readPos == seg.committed) {
                    release(segments.pollFirst());
                    seg = segments.peekFirst();
                }
                if (seg != null && seg.readPos < seg.committed) break;
                if (finished) {
                    if (failure != null) throw new IOException(failure.getMessage(), failure);
                    return -1;
                }
                try {
                    notEmpty.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException(name + ": interrupted while waiting for data");
                }
            }
            pos = seg.readPos;
            long limit = seg.committed - pos;
            if (stopAtMark && mark >= 0) limit = Math.min(limit, mark - consumed);
            n = (int) Math.min(len, limit);
        } finally {
            lock.unlock();
        }
        try {
            seg.get(pos, b, off, n);
        } catch (IOException e) {
            if (isClosed()) throw new IOException(name + ": spool closed");
            throw new IOException(name + ": cannot read the spool file (" + e + ")", e);
        }
        lock.lock();
        try {
            seg.readPos += n;
            consumed += n;
            consumedView = consumed;
            if (seg.readPos == seg.committed && segments.peekFirst() == seg && !closed
                    && (seg.sealed || (seg instanceof FileSegment && !seg.writing))) {
                // a file the consumer caught up with goes at once, even as the tail: the producer starts a new
                // segment (memory first) for its next bytes, so a consumer that keeps up leaves no files behind
                release(segments.pollFirst());
            }
            notFull.signal();
        } finally {
            lock.unlock();
        }
        return n;
    }

    /** A plain InputStream over {@link #read} (no mark). */
    public InputStream inputStream() {
        return new InputStream() {
            private final byte[] one = new byte[1];

            @Override
            public int read() throws IOException {
                int n = Spool.this.read(one, 0, 1, false);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                java.util.Objects.checkFromIndexSize(off, len, b.length);
                return Spool.this.read(b, off, len, false);
            }
        };
    }

    // ------------------------------------------------------------------ state and metrics

    /** Bytes ever written. */
    public long written() { return writtenView; }
    /** Bytes ever read. */
    public long consumed() { return consumedView; }
    /** Unread bytes held now, in memory and files. */
    public long buffered() { return writtenView - consumedView; }

    /** Spool files that exist now. */
    public int files() {
        lock.lock();
        try {
            return files;
        } finally {
            lock.unlock();
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes both sides (they fail with "spool closed"), deletes the spool files and directory. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            while (!segments.isEmpty()) release(segments.pollFirst());
            pool.clear();
            notEmpty.signalAll();
            notFull.signalAll();
            if (dir != null) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // best effort: a file still open elsewhere; nothing useful to tell the consumer
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void seal(Segment s) {
        if (s.sealed) return;
        s.sealed = true;
        if (s instanceof FileSegment) ((FileSegment) s).closeOutput();
    }

    private void release(Segment s) {
        seal(s);
        if (s instanceof MemSegment) {
            if (!closed && pool.size() < POOL_MAX) pool.push(((MemSegment) s).data);
            else memAllocated -= ((MemSegment) s).data.length;
        } else {
            ((FileSegment) s).delete();
            files--;
        }
    }

    private static void awaitUninterruptibly(Condition c) {
        // the producer is the socket reader thread; it is stopped by close(), not by interrupts
        c.awaitUninterruptibly();
    }

    // ------------------------------------------------------------------ segments

    private abstract static class Segment {
        long committed; // bytes written (guarded by the spool lock)
        long readPos;   // bytes read (guarded by the spool lock)
        boolean sealed; // no more appends (guarded by the spool lock)
        boolean writing; // the producer is copying into it outside the lock (guarded by the spool lock)

        abstract long capacity();
        abstract void put(long pos, byte[] b, int off, int len) throws IOException;
        abstract void get(long pos, byte[] b, int off, int len) throws IOException;
    }

    private static final class MemSegment extends Segment {
        final byte[] data;

        MemSegment(byte[] data) { this.data = data; }

        @Override long capacity() { return data.length; }
        @Override void put(long pos, byte[] b, int off, int len) { System.arraycopy(b, off, data, (int) pos, len); }
        @Override void get(long pos, byte[] b, int off, int len) { System.arraycopy(data, (int) pos, b, off, len); }
    }

    private static final class FileSegment extends Segment {
        final Path path;
        final long capacity;
        private final FileChannel out;
        private volatile FileChannel in; // opened by the consumer on first read

        FileSegment(Path path, FileChannel out, long capacity) {
            this.path = path;
            this.out = out;
            this.capacity = capacity;
        }

        @Override long capacity() { return capacity; }

        @Override
        void put(long pos, byte[] b, int off, int len) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) out.write(buf, pos + buf.position() - off);
        }

        @Override
        void get(long pos, byte[] b, int off, int len) throws IOException {
            FileChannel ch = in;
            if (ch == null) in = ch = FileChannel.open(path, StandardOpenOption.READ);
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
                if (ch.read(buf, pos + buf.position() - off) < 0) throw new IOException("spool file " + path + " is shorter than written");
            }
        }

        void closeOutput() {
            try {
                out.close();
            } catch (IOException ignored) {
                // the data is already written; closing a file we only wrote has nothing left to lose
            }
        }

        void delete() {
            closeOutput();
            try {
                FileChannel ch = in;
                if (ch != null) ch.close();
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // best effort; close() of the spool removes the directory
            }
        }
    }
}
