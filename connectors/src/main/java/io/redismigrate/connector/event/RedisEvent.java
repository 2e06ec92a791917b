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
    /**
     * CONTROL: the command stream follows from {@link #offset()}; args = [STREAM_START, replId, snapshot keys,
     * snapshot bytes] (the sizes -1 after a +CONTINUE).
     */
    public static final String STREAM_START = "STREAM_START";

    /** CONTROL: the tool's heartbeat came through the stream; args = [HEARTBEAT, source time ms]. */
    public static final String HEARTBEAT = "HEARTBEAT";

    static final int FLAG_KEY_START = 1;
    static final int FLAG_STREAM = 2;
    static final int FLAG_REFRESH = 4;

    /** First argument of a {@link #refresh} event (never sent to Redis). */
    public static final byte[] REFRESH = "__redis_migrate:refresh".getBytes(StandardCharsets.US_ASCII);

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
    private final int sourceDb;
    private final int[] sourceDbs;

    private RedisEvent(Kind kind, String splitId, long offset, int db, byte[] key, long expireAtMs, byte[] payload,
                       byte[][] args, byte[][][] commands, String note, int flags) {
        this(kind, splitId, offset, db, db, null, key, expireAtMs, payload, args, commands, note, flags);
    }

    private RedisEvent(Kind kind, String splitId, long offset, int db, int sourceDb, int[] sourceDbs, byte[] key,
                       long expireAtMs, byte[] payload, byte[][] args, byte[][][] commands, String note, int flags) {
        this.kind = kind;
        this.splitId = Objects.requireNonNull(splitId);
        this.offset = offset;
        this.db = db;
        this.sourceDb = sourceDb;
        this.sourceDbs = sourceDbs;
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

    /**
     * A stream event whose effect is copied from the source instead of replayed: the command (or transaction) at
     * {@code offset} changed {@code keys} in a way the target cannot replay exactly (a command crossing the scope's
     * edge or, on a cluster target, slots). The sink reads each key's value from the source at a known offset
     * (DUMP + PTTL) and writes RESTORE or DEL. Args: {@code [REFRESH, sourceDb, targetDb, key, sourceDb, targetDb, key, …]}.
     */
    public static RedisEvent refresh(String splitId, long offset, java.util.List<KeyRef> keys) {
        byte[][] args = new byte[keys.size() * 3 + 1][];
        args[0] = REFRESH;
        for (int i = 0; i < keys.size(); i++) {
            KeyRef k = keys.get(i);
            args[3 * i + 1] = Integer.toString(k.sourceDb()).getBytes(StandardCharsets.US_ASCII);
            args[3 * i + 2] = Integer.toString(k.targetDb()).getBytes(StandardCharsets.US_ASCII);
            args[3 * i + 3] = k.key();
        }
        KeyRef first = keys.get(0);
        return new RedisEvent(Kind.COMMAND, splitId, offset, first.targetDb(), first.sourceDb(), null, first.key(), 0, null,
                args, null, null, FLAG_STREAM | FLAG_REFRESH);
    }

    /** REFRESH only: the keys to copy from the source. */
    public java.util.List<KeyRef> refreshKeys() {
        java.util.List<KeyRef> out = new java.util.ArrayList<>(args.length / 3);
        for (int i = 1; i + 2 < args.length; i += 3) {
            out.add(new KeyRef(Integer.parseInt(new String(args[i], StandardCharsets.US_ASCII)),
                    Integer.parseInt(new String(args[i + 1], StandardCharsets.US_ASCII)), args[i + 2]));
        }
        return out;
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

    static RedisEvent of(Kind kind, String splitId, long offset, int db, int sourceDb, int[] sourceDbs, byte[] key,
                         long expireAtMs, byte[] payload, byte[][] args, byte[][][] commands, String note, int flags) {
        return new RedisEvent(kind, splitId, offset, db, sourceDb, sourceDbs, key, expireAtMs, payload, args, commands, note, flags);
    }

    /** A copy in another target DB (for --db-map); {@link #sourceDb()} stays. */
    public RedisEvent withDb(int newDb) {
        return new RedisEvent(kind, splitId, offset, newDb, sourceDb, sourceDbs, key, expireAtMs, payload, args, commands, note, flags);
    }

    /** A RESTORE copy with another expiry (for --ttl-extend). */
    public RedisEvent withExpireAt(long newExpireAtMs) {
        return new RedisEvent(kind, splitId, offset, db, sourceDb, sourceDbs, key, newExpireAtMs, payload, args, commands, note, flags);
    }

    /** A copy routed by another key (a CONTROL event sent to the sink subtask that owns {@code routingKey}'s slot). */
    public RedisEvent withKey(byte[] routingKey) {
        return new RedisEvent(kind, splitId, offset, db, sourceDb, sourceDbs, routingKey, expireAtMs, payload, args, commands, note, flags);
    }

    /** A stream COMMAND copy with another key and arguments (one slot's share of a split multi-key command). */
    public RedisEvent withKeyAndArgs(byte[] newKey, byte[][] newArgs) {
        return new RedisEvent(kind, splitId, offset, db, sourceDb, sourceDbs, newKey, expireAtMs, payload, newArgs, commands, note, flags);
    }

    /** A COMMAND copy with other arguments. */
    public RedisEvent withArgs(byte[][] newArgs) {
        return new RedisEvent(kind, splitId, offset, db, sourceDb, sourceDbs, key, expireAtMs, payload, newArgs, commands, note, flags);
    }

    /** A TRANSACTION copy with other commands. */
    public RedisEvent withCommands(byte[][][] newCommands) {
        return new RedisEvent(kind, splitId, offset, db, sourceDb, sourceDbs, key, expireAtMs, payload, args, newCommands, note, flags);
    }

    /**
     * A TRANSACTION as the scope step rebuilt it: {@code commands} in target DBs (SELECTs of target DBs among them),
     * {@code sourceDbs[i]} the source DB command i ran in, {@code db} the target DB selected at its start.
     */
    public RedisEvent withTransaction(int newDb, byte[] newKey, byte[][][] newCommands, int[] newSourceDbs) {
        return new RedisEvent(kind, splitId, offset, newDb, newSourceDbs.length == 0 ? sourceDb : newSourceDbs[0],
                newSourceDbs, newKey, expireAtMs, payload, args, newCommands, note, flags);
    }

    public Kind kind() { return kind; }

    /** Id of the source split (one per source node) this event was read from. */
    public String splitId() { return splitId; }

    /** Replication offset: where a stream command ends; the snapshot's offset for snapshot events. */
    public long offset() { return offset; }

    /** The target DB (after --db-map; the source DB until the scope step mapped it). */
    public int db() { return db; }

    /** The DB of the source this event's command ran in (for a transaction: its first command). */
    public int sourceDb() { return sourceDb; }

    /** TRANSACTION only: the source DB command {@code i} ran in. */
    public int sourceDb(int i) { return sourceDbs == null ? sourceDb : sourceDbs[i]; }

    int[] sourceDbs() { return sourceDbs; }

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

    /** Whether this is a {@link #refresh} event: copy {@link #key()} from the source rather than replay a command. */
    public boolean refresh() { return (flags & FLAG_REFRESH) != 0; }

    int flags() { return flags; }

    /** CONTROL only: the marker type. */
    public String controlType() {
        return kind == Kind.CONTROL ? new String(args[0], StandardCharsets.US_ASCII) : null;
    }

    /** CONTROL only: the i-th value (1-based) as text. */
    public String controlValue(int i) {
        return new String(args[i], StandardCharsets.UTF_8);
    }

    /** CONTROL only: the i-th value (1-based) as a number, {@code absent} when the event has no such value. */
    public long controlNumber(int i, long absent) {
        return i < args.length ? Long.parseLong(controlValue(i)) : absent;
    }

    /** Cluster hash slot of the key, or {@link #NO_SLOT}. */
    public int slot() { return slot; }

    /** Slot used for routing: keyless events go with slot 0. */
    public int routingSlot() { return slot == NO_SLOT ? 0 : slot; }

    public String commandName() {
        switch (kind) {
            case RESTORE: return "RESTORE";
            case TRANSACTION: return "MULTI/EXEC";
            case COMMAND: if (refresh()) return "REFRESH"; // fall through
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
        return kind == e.kind && sourceDb == e.sourceDb && Arrays.equals(sourceDbs, e.sourceDbs) && offset == e.offset && db == e.db && expireAtMs == e.expireAtMs && flags == e.flags
                && splitId.equals(e.splitId) && Arrays.equals(key, e.key) && Arrays.equals(payload, e.payload)
                && Arrays.deepEquals(args, e.args) && Arrays.deepEquals(commands, e.commands) && Objects.equals(note, e.note);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(offset) * 31 + Arrays.hashCode(key);
    }
}
