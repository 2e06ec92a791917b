package io.redismigrate.connector.sink;

import io.redismigrate.connector.event.RedisEvent;
import io.redismigrate.connector.logging.LogContext;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.resp.RespReader;
import io.redismigrate.connector.resp.RespWriter;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * One pipelined connection to one master of a cluster destination. The task thread writes whole {@link Unit}s
 * (one slot's commands, optionally wrapped in MULTI/EXEC) or appends snapshot events to an open
 * {@link #sendLoose loose unit} that spans slots; a reader thread reads the replies in order, records per command
 * whether it was redirected (MOVED, ASK, TRYAGAIN, CLUSTERDOWN) or rejected, and hands the finished unit back
 * through a queue shared by the writer's nodes.
 */
final class ClusterNode implements Closeable {
    private static final byte[][] ASKING = {b("ASKING")};
    private static final byte[][] MULTI = {b("MULTI")};
    private static final byte[][] EXEC = {b("EXEC")};

    final String address;
    private final RedisConnection connection;
    private final RespWriter out;
    private final RespReader in;
    private final Queue<Unit> sent = new ConcurrentLinkedQueue<>();
    private final Queue<Unit> done;
    private final Thread owner;
    private final Thread reader;
    private volatile IOException failure;
    private volatile boolean closed;
    private boolean dirty;
    private Unit open; // loose unit being filled: its bytes may be out, it joins `sent` when closed

    /**
     * One slot's commands sent together, or (slot {@link #LOOSE}) snapshot events of many slots, one command
     * each; written by the task thread, completed by the reader.
     */
    static final class Unit {
        static final int LOOSE = -1;
        final int slot;
        final boolean multi;
        final boolean asking;
        final List<RedisEvent> events;   // non-multi: one command per event
        final byte[][][] commands;       // what is sent (without ASKING/MULTI/EXEC)
        final int eventCommands;         // multi: commands that belong to events (the rest: fences)
        ClusterNode node;
        // results, written by the reader before the unit is queued as done
        String[] redirects;              // non-multi: per command; multi: [0] for the whole unit
        RespError error;
        int errorIndex = -1;

        Unit(int slot, boolean multi, boolean asking, List<RedisEvent> events, byte[][][] commands, int eventCommands) {
            this.slot = slot;
            this.multi = multi;
            this.asking = asking;
            this.events = events;
            this.commands = commands;
            this.eventCommands = eventCommands;
        }

        boolean loose() {
            return slot == LOOSE;
        }

        int commandCount() {
            return commands != null ? commands.length : events.size();
        }

        boolean redirected() {
            if (redirects == null) return false;
            for (String r : redirects) if (r != null) return true;
            return false;
        }
    }

    ClusterNode(String address, RedisEndpoint endpoint, RedisSinkConfig config, Queue<Unit> done, Thread owner)
            throws IOException {
        this.address = address;
        this.connection = RedisConnection.open(endpoint, "target", config.connectTimeoutMs());
        this.out = connection.writer();
        this.in = connection.reader();
        this.done = done;
        this.owner = owner;
        connection.setReadTimeout(config.replyTimeoutMs());
        this.reader = LogContext.daemon(() -> readLoop(config.replyTimeoutMs()), "redis-sink-replies " + address);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Appends one snapshot event (RESTORE, or a decoded key's command) to the open loose unit, encoded from the
     * event's bytes; the unit is closed after {@code maxEvents} events or by {@link #send}/{@link #flush}.
     */
    void sendLoose(RedisEvent e, boolean absTtl, int maxEvents) throws IOException {
        if (failure != null) throw failure;
        if (open == null) {
            open = new Unit(Unit.LOOSE, false, false, new java.util.ArrayList<>(Math.min(maxEvents, 256)), null, 0);
            open.node = this;
        }
        try {
            if (e.kind() == RedisEvent.Kind.RESTORE) {
                RestoreCommand.write(out, e.key(), RestoreCommand.ttlArgument(e.expireAtMs(), absTtl), e.payload(), absTtl);
            } else {
                out.command(e.args());
            }
        } catch (IOException x) {
            throw lost(x);
        }
        open.events.add(e);
        dirty = true;
        if (open.events.size() >= maxEvents) closeLoose();
    }

    /** Hands the open loose unit to the reader: before any other unit's bytes, so `sent` keeps the wire order. */
    private void closeLoose() {
        if (open == null) return;
        sent.add(open);
        open = null;
    }

    void send(Unit u) throws IOException {
        if (failure != null) throw failure;
        closeLoose();
        u.node = this;
        sent.add(u); // before the bytes: the reply always finds its unit
        try {
            if (u.multi) {
                if (u.asking) out.command(ASKING);
                out.command(MULTI);
                for (byte[][] c : u.commands) out.command(c);
                out.command(EXEC);
            } else {
                for (byte[][] c : u.commands) {
                    if (u.asking) out.command(ASKING);
                    out.command(c);
                }
            }
        } catch (IOException e) {
            throw lost(e);
        }
        dirty = true;
    }

    void flush() throws IOException {
        closeLoose();
        if (!dirty) return;
        dirty = false;
        try {
            out.flush();
        } catch (IOException e) {
            throw lost(e);
        }
    }

    IOException failure() {
        return failure;
    }

    private IOException lost(IOException e) {
        if (failure == null) {
            failure = new IOException("target " + address + ": connection lost (" + e.getMessage()
                    + "); check that the destination node is up (a failover is followed on the retry from the latest checkpoint)", e);
        }
        return failure;
    }

    private void readLoop(int timeoutMs) {
        try {
            while (!closed) {
                Unit u = sent.peek();
                if (u == null) {
                    // nothing expected: wait for a unit, but notice a closed connection
                    LockSupport.parkNanos(1_000_000L);
                    continue;
                }
                try {
                    read(u);
                } catch (SocketTimeoutException e) {
                    throw new IOException("no reply within " + timeoutMs + " ms; the destination is blocked or overloaded");
                }
                sent.poll();
                done.add(u);
                LockSupport.unpark(owner);
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                lost(e instanceof IOException ? (IOException) e : new IOException(e.toString(), e));
                LockSupport.unpark(owner);
            }
        }
    }

    private void read(Unit u) throws IOException {
        if (u.multi) {
            u.redirects = new String[1];
            String firstRedirect = null;
            if (u.asking) in.skip();
            RespError e = in.skip(); // MULTI
            if (e != null) record(u, e, -1);
            for (int i = 0; i < u.commands.length; i++) {
                e = in.skip();
                if (e != null) {
                    if (isRedirect(e)) {
                        if (firstRedirect == null) firstRedirect = e.message();
                    } else if (u.error == null) {
                        u.error = e;
                        u.errorIndex = i;
                    }
                }
            }
            e = readExec(u);
            if (e != null) {
                if (isRedirect(e)) u.redirects[0] = e.message();
                else if (firstRedirect != null) u.redirects[0] = firstRedirect;
                else if (u.error == null) record(u, e, -1);
            }
        } else {
            int n = u.commandCount();
            u.redirects = new String[n];
            for (int i = 0; i < n; i++) {
                if (u.asking) in.skip();
                RespError e = in.skip();
                if (e != null) record(u, e, i);
            }
        }
    }

    /**
     * Reads EXEC's reply: an error (EXECABORT, a redirect) is returned; of an applied unit's results, the first
     * error that does not mean "already done" ({@link KeylessCommands#alreadyDone}: a FUNCTION DELETE of a library
     * another split deleted already) is returned.
     */
    private RespError readExec(Unit u) throws IOException {
        int type = in.readByte();
        if (type == '-') return new RespError(in.readLine());
        if (type != '*') { // never for EXEC in RESP2 without WATCH; read the line and treat it as applied
            in.readLine();
            return null;
        }
        long n = in.readLong();
        RespError first = null;
        for (long i = 0; i < n; i++) {
            RespError e = in.skip();
            if (e != null && first == null && (i >= u.commands.length || !KeylessCommands.alreadyDone(u.commands[(int) i], e))) {
                first = e;
            }
        }
        return first;
    }

    private static void record(Unit u, RespError e, int index) {
        if (isRedirect(e) && index >= 0 && !u.multi) {
            u.redirects[index] = e.message();
        } else if (u.error == null) {
            u.error = e;
            u.errorIndex = index;
        }
    }

    static boolean isRedirect(RespError e) {
        String c = e.code();
        return "MOVED".equals(c) || "ASK".equals(c) || "TRYAGAIN".equals(c) || "CLUSTERDOWN".equals(c);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        ReplyReaders.closeAndJoin(connection, reader);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
