package io.redismigrate.connector.event;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One write to apply on the destination, with the DB it runs in, the key it is about (for routing and
 * messages) and the replication offset of the source it came from. Kinds:
 * <ul>
 *   <li>{@link Kind#RESTORE}: a whole snapshot key, applied as
 *       {@code RESTORE key <expireAtMs> <payload> REPLACE ABSTTL} (payload = DUMP format: type, value, RDB
 *       version, CRC64). The fast path: value bytes are sliced from the RDB, never decoded.</li>
 *   <li>{@link Kind#COMMAND}: one command as binary arguments (the decoding path writes a big key as
 *       DEL + chunked RPUSH/SADD/HSET/… + PEXPIREAT; the stream phase replays source commands).</li>
 *   <li>{@link Kind#TRANSACTION}: a source MULTI/EXEC block (or replicated script effects); applied atomically.</li>
 *   <li>{@link Kind#CONTROL}: a marker for the sink ({@link #SNAPSHOT_START}, {@link #STREAM_START}), never sent.</li>
 * </ul>
 * Offsets: a stream event's offset is the replication offset at which its command ends (what a replica ACKs after
 * applying it); snapshot events carry the snapshot's offset. Events of one key share a slot, so
 * {@code keyBy(slot)} keeps them in source order.
 */
public final class RedisEvent {

    public enum Kind { RESTORE, COMMAND, TRANSACTION, CONTROL }

    /** Slot of events that belong to no key (functions, FLUSHALL…); they are routed like slot 0. */
    public static final int NO_SLOT = -1;

    /** CONTROL: a snapshot begins; args = [SNAPSHOT_START, replId, resync ? "1" : "0"]. */
    public static final String SNAPSHOT_START = "SNAPSHOT_START";
    /** CONTROL: the command stream follows from {@link #offset()}; args = [STREAM_START, replId]. */
    public static final String STREAM_START = "STREAM_START";

    /** CONTROL: the tool's heartbeat came through the stream; args = [HEARTBEAT, source time ms]. */
    public static final String HEARTBEAT = "HEARTBEAT";

    static final int FLAG_KEY_START = 1;
    static final int FLAG_STREAM = 2;

    private final Kind kind;
    private final String splitId;
    private final long offset;
    private final int db;
    private final byte[] key;
    private final long expireAtMs;
    private final byte[] payload;
    private final byte[][] args;
    private final byte[][][] commands;
    private final String note;
    private final int flags;
    private final int slot;

    private RedisEvent(Kind kind, String splitId, long offset, int db, byte[] key, long expireAtMs, byte[] payload,
                       byte[][] args, byte[][][] commands, String note, int flags) {
        this.kind = kind;
        this.splitId = Objects.requireNonNull(splitId);
        this.offset = offset;
        this.db = db;
        this.key = key;
        this.expireAtMs = expireAtMs;
        this.payload = payload;
        this.args = args;
        this.commands = commands;
        this.note = note;
        this.flags = flags;
        this.slot = key == null ? NO_SLOT : Slots.slot(key);
    }

    /** A snapshot key as a RESTORE payload; {@code expireAtMs} 0 means no TTL; {@code note} names a module type. */
    public static RedisEvent restore(String splitId, long offset, int db, byte[] key, long expireAtMs, byte[] payload,
                                     String note) {
        return new RedisEvent(Kind.RESTORE, splitId, offset, db, key, expireAtMs, payload, null, null, note, FLAG_KEY_START);
    }

    /** A snapshot-phase command; {@code key} is the key it writes (null for keyless commands such as FUNCTION LOAD). */
    public static RedisEvent command(String splitId, long offset, int db, byte[] key, byte[][] args) {
        return new RedisEvent(Kind.COMMAND, splitId, offset, db, key, 0, null, args, null, null, 0);
    }

    /** A command that begins writing a snapshot key on the decoding path (counted as one key in summaries). */
    public static RedisEvent keyStartCommand(String splitId, long offset, int db, byte[] key, byte[][] args) {
        return new RedisEvent(Kind.COMMAND, splitId, offset, db, key, 0, null, args, null, null, FLAG_KEY_START);
    }

    /** A command of the replication stream; {@code offset} is where it ends in the stream. */
    public static RedisEvent streamCommand(String splitId, long offset, int db, byte[] key, byte[][] args) {
        return new RedisEvent(Kind.COMMAND, splitId, offset, db, key, 0, null, args, null, null, FLAG_STREAM);
    }

    /** A MULTI/EXEC block of the replication stream (without the MULTI and EXEC themselves). */
    public static RedisEvent transaction(String splitId, long offset, int db, byte[] key, byte[][][] commands) {
        return new RedisEvent(Kind.TRANSACTION, splitId, offset, db, key, 0, null, null, commands, null, FLAG_STREAM);
    }

    public static RedisEvent control(String splitId, long offset, String type, String... values) {
        return control(splitId, offset, 0, type, values);
    }

    /** A CONTROL event read while {@code db} was selected (the reader's DB state advances with it). */
    public static RedisEvent control(String splitId, long offset, int db, String type, String... values) {
        byte[][] a = new byte[values.length + 1][];
        a[0] = type.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < values.length; i++) a[i + 1] = values[i].getBytes(StandardCharsets.UTF_8);
        return new RedisEvent(Kind.CONTROL, splitId, offset, db, null, 0, null, a, null, null, 0);
    }

    static RedisEvent of(Kind kind, String splitId, long offset, int db, byte[] key, long expireAtMs, byte[] payload,
                         byte[][] args, byte[][][] commands, String note, int flags) {
        return new RedisEvent(kind, splitId, offset, db, key, expireAtMs, payload, args, commands, note, flags);
    }

    /** A copy in another DB (for --db-map). */
    public RedisEvent withDb(int newDb) {
        return new RedisEvent(kind, splitId, offset, newDb, key, expireAtMs, payload, args, commands, note, flags);
    }

    /** A RESTORE copy with another expiry (for --ttl-extend). */
    public RedisEvent withExpireAt(long newExpireAtMs) {
        return new RedisEvent(kind, splitId, offset, db, key, newExpireAtMs, payload, args, commands, note, flags);
    }

    /** A COMMAND copy with other arguments. */
    public RedisEvent withArgs(byte[][] newArgs) {
        return new RedisEvent(kind, splitId, offset, db, key, expireAtMs, payload, newArgs, commands, note, flags);
    }

    /** A TRANSACTION copy with other commands. */
    public RedisEvent withCommands(byte[][][] newCommands) {
        return new RedisEvent(kind, splitId, offset, db, key, expireAtMs, payload, args, newCommands, note, flags);
    }

    public Kind kind() { return kind; }

    /** Id of the source split (one per source node) this event was read from. */
    public String splitId() { return splitId; }

    /** Replication offset: where a stream command ends; the snapshot's offset for snapshot events. */
    public long offset() { return offset; }

    public int db() { return db; }

    /** The key this event writes, or null. */
    public byte[] key() { return key; }

    /** RESTORE only: absolute expiry in Unix ms, 0 for none. */
    public long expireAtMs() { return expireAtMs; }

    /** RESTORE only: the DUMP-format payload. */
    public byte[] payload() { return payload; }

    /** COMMAND and CONTROL: the command and its arguments. */
    public byte[][] args() { return args; }

    /** TRANSACTION only: the commands of the block, in order. */
    public byte[][][] commands() { return commands; }

    /** Context for error messages (the module type of a module value), or null. */
    public String note() { return note; }

    /** Whether this event starts a snapshot key (a RESTORE, or the first command of a decoded key). */
    public boolean keyStart() { return (flags & FLAG_KEY_START) != 0; }

    /** Whether this event comes from the replication stream (fenced for exactly-once), not the snapshot. */
    public boolean stream() { return (flags & FLAG_STREAM) != 0; }

    int flags() { return flags; }

    /** CONTROL only: the marker type. */
    public String controlType() {
        return kind == Kind.CONTROL ? new String(args[0], StandardCharsets.US_ASCII) : null;
    }

    /** CONTROL only: the i-th value (1-based) as text. */
    public String controlValue(int i) {
        return new String(args[i], StandardCharsets.UTF_8);
    }

    /** Cluster hash slot of the key, or {@link #NO_SLOT}. */
    public int slot() { return slot; }

    /** Slot used for routing: keyless events go with slot 0. */
    public int routingSlot() { return slot == NO_SLOT ? 0 : slot; }

    public String commandName() {
        switch (kind) {
            case RESTORE: return "RESTORE";
            case TRANSACTION: return "MULTI/EXEC";
            default: return new String(args[0], StandardCharsets.UTF_8).toUpperCase();
        }
    }

    /** The key as printable text for messages. */
    public String printableKey() {
        return key == null ? "(none)" : Printable.bytes(key);
    }

    @Override
    public String toString() {
        return commandName() + " db=" + db + " key=" + printableKey() + " offset=" + offset;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RedisEvent)) return false;
        RedisEvent e = (RedisEvent) o;
        return kind == e.kind && offset == e.offset && db == e.db && expireAtMs == e.expireAtMs && flags == e.flags
                && splitId.equals(e.splitId) && Arrays.equals(key, e.key) && Arrays.equals(payload, e.payload)
                && Arrays.deepEquals(args, e.args) && Arrays.deepEquals(commands, e.commands) && Objects.equals(note, e.note);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(offset) * 31 + Arrays.hashCode(key);
    }
}
