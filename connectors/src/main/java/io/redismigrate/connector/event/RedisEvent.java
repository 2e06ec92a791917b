package io.redismigrate.connector.event;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One write to apply on the destination, with the DB it runs in, the key it is about (for routing and
 * messages) and the replication offset of the source command it came from. Two kinds:
 * <ul>
 *   <li>{@link Kind#RESTORE}: a whole snapshot key, applied as
 *       {@code RESTORE key <expireAtMs> <payload> REPLACE ABSTTL} (payload = DUMP format: type, value, RDB
 *       version, CRC64). The fast path: value bytes are sliced from the RDB, never decoded.</li>
 *   <li>{@link Kind#COMMAND}: any command given as binary arguments (the decoding path writes a big key as
 *       DEL + chunked RPUSH/SADD/HSET/… + PEXPIREAT; the incremental phase replays source commands).</li>
 * </ul>
 * Events of one key share a slot, so {@code keyBy(slot)} keeps them in source order.
 */
public final class RedisEvent {

    public enum Kind { RESTORE, COMMAND }

    /** Slot of events that belong to no key (functions, FLUSHALL…); they are routed like slot 0. */
    public static final int NO_SLOT = -1;

    private final Kind kind;
    private final String splitId;
    private final long offset;
    private final int db;
    private final byte[] key;
    private final long expireAtMs;
    private final byte[] payload;
    private final byte[][] args;
    private final String note;
    private final boolean keyStart;
    private final int slot;

    private RedisEvent(Kind kind, String splitId, long offset, int db, byte[] key, long expireAtMs, byte[] payload,
                       byte[][] args, String note, boolean keyStart) {
        this.kind = kind;
        this.splitId = Objects.requireNonNull(splitId);
        this.offset = offset;
        this.db = db;
        this.key = key;
        this.expireAtMs = expireAtMs;
        this.payload = payload;
        this.args = args;
        this.note = note;
        this.keyStart = keyStart;
        this.slot = key == null ? NO_SLOT : Slots.slot(key);
    }

    /** A snapshot key as a RESTORE payload; {@code expireAtMs} 0 means no TTL; {@code note} names a module type. */
    public static RedisEvent restore(String splitId, long offset, int db, byte[] key, long expireAtMs, byte[] payload,
                                     String note) {
        return new RedisEvent(Kind.RESTORE, splitId, offset, db, key, expireAtMs, payload, null, note, true);
    }

    /** A command; {@code key} is the key it writes (null for keyless commands such as FUNCTION RESTORE). */
    public static RedisEvent command(String splitId, long offset, int db, byte[] key, byte[][] args) {
        return new RedisEvent(Kind.COMMAND, splitId, offset, db, key, 0, null, args, null, false);
    }

    /** A command that begins writing a snapshot key on the decoding path (counted as one key in summaries). */
    public static RedisEvent keyStartCommand(String splitId, long offset, int db, byte[] key, byte[][] args) {
        return new RedisEvent(Kind.COMMAND, splitId, offset, db, key, 0, null, args, null, true);
    }

    static RedisEvent of(Kind kind, String splitId, long offset, int db, byte[] key, long expireAtMs, byte[] payload,
                         byte[][] args, String note, boolean keyStart) {
        return new RedisEvent(kind, splitId, offset, db, key, expireAtMs, payload, args, note, keyStart);
    }

    /** A copy in another DB (for --db-map). */
    public RedisEvent withDb(int newDb) {
        return new RedisEvent(kind, splitId, offset, newDb, key, expireAtMs, payload, args, note, keyStart);
    }

    /** A RESTORE copy with another expiry (for --ttl-extend). */
    public RedisEvent withExpireAt(long newExpireAtMs) {
        return new RedisEvent(kind, splitId, offset, db, key, newExpireAtMs, payload, args, note, keyStart);
    }

    /** A COMMAND copy with other arguments. */
    public RedisEvent withArgs(byte[][] newArgs) {
        return new RedisEvent(kind, splitId, offset, db, key, expireAtMs, payload, newArgs, note, keyStart);
    }

    public Kind kind() { return kind; }

    /** Id of the source split (one per source node) this event was read from. */
    public String splitId() { return splitId; }

    /** Replication offset of the source command this event applies (the snapshot's offset for RDB keys). */
    public long offset() { return offset; }

    public int db() { return db; }

    /** The key this event writes, or null. */
    public byte[] key() { return key; }

    /** RESTORE only: absolute expiry in Unix ms, 0 for none. */
    public long expireAtMs() { return expireAtMs; }

    /** RESTORE only: the DUMP-format payload. */
    public byte[] payload() { return payload; }

    /** COMMAND only: the command and its arguments. */
    public byte[][] args() { return args; }

    /** Context for error messages (the module type of a module value), or null. */
    public String note() { return note; }

    /** Whether this event starts a snapshot key (a RESTORE, or the first command of a decoded key). */
    public boolean keyStart() { return keyStart; }

    /** Cluster hash slot of the key, or {@link #NO_SLOT}. */
    public int slot() { return slot; }

    /** Slot used for routing: keyless events go with slot 0. */
    public int routingSlot() { return slot == NO_SLOT ? 0 : slot; }

    public String commandName() {
        return kind == Kind.RESTORE ? "RESTORE" : new String(args[0], StandardCharsets.UTF_8).toUpperCase();
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
        return kind == e.kind && offset == e.offset && db == e.db && expireAtMs == e.expireAtMs
                && splitId.equals(e.splitId) && Arrays.equals(key, e.key) && Arrays.equals(payload, e.payload)
                && Arrays.deepEquals(args, e.args) && Objects.equals(note, e.note) && keyStart == e.keyStart;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(offset) * 31 + Arrays.hashCode(key);
    }
}
