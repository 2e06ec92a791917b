package io.redismigrate.connector.rdb;

import io.redismigrate.connector.event.Printable;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static io.redismigrate.connector.rdb.RdbConstants.*;

/**
 * Streaming RDB parser: Redis RDB versions 1–13 and Valkey's own format, RDB 80 (magic {@code VALKEY080}), whose
 * value type 22 and opcode 243 mean other things than in Redis ({@link #valkey()} tells which format). It walks the file once, never holding more than one value below the
 * big-key threshold in memory:
 * <ul>
 *   <li>fast path: a value's bytes are captured while its structure is skipped, then handed out as a RESTORE
 *       payload (type + value + version + CRC64) without decoding elements. The payload is labelled with the
 *       destination's RDB version when that is older than the file's ("re-labelled"): a server refuses payloads
 *       newer than its own, and a value's bytes depend only on its type byte, which the destination reads;</li>
 *   <li>decoding path ({@link RdbValueDecoder}): a value bigger than the threshold, of an encoding newer than
 *       the destination reads, or (with {@link RdbParserConfig#decodeFieldTtls()}, when a TTL shift is in force) a
 *       hash whose fields carry TTLs, becomes chunked commands.</li>
 * </ul>
 * The CRC64 at the end is checked. Problems raise {@link RdbException} with one line naming the cause.
 */
public final class RdbParser {
    private final RdbInput in;
    private final RdbReader r;
    private final RdbHandler handler;
    private final RdbParserConfig config;
    private int version;
    /** The file has Valkey's magic: types and opcodes are read with Valkey's meanings. */
    private boolean valkey;
    private int db;
    private byte[] currentKey;

    private long keysRestored;
    private long keysRelabelled;
    private long keysDecoded;
    private long keysSet;
    private long keysExpired;
    private long keysSkippedEmpty;
    /** Set by {@link #skipValue}: the value just skipped holds no elements (Redis skips such keys on load). */
    private boolean emptyValue;

    public RdbParser(InputStream stream, RdbHandler handler, RdbParserConfig config) {
        this.in = new RdbInput(stream);
        this.r = new RdbReader(in);
        this.handler = handler;
        this.config = config;
    }

    public int version() { return version; }
    /** Whether the file is in Valkey's own format (magic {@code VALKEY}); {@link #version()} is then Valkey's (80). */
    public boolean valkey() { return valkey; }
    public long keysRestored() { return keysRestored; }
    public long keysDecoded() { return keysDecoded; }

    /** String keys written as a plain {@code SET} ({@link RdbParserConfig#stringsAsSet()}). */
    public long keysSet() { return keysSet; }
    /** Keys of {@link #keysRestored()} whose payload carries the destination's older RDB version instead of the file's. */
    public long keysRelabelled() { return keysRelabelled; }
    public long keysExpired() { return keysExpired; }
    /**
     * Keys skipped because their collection value holds no elements (an empty list, set, sorted set or hash, or a
     * compact encoding with no entries). Redis skips them too when it loads an RDB ("empty keys skipped"), and
     * RESTORE refuses them.
     */
    public long keysSkippedEmpty() { return keysSkippedEmpty; }
    /** Bytes of the RDB consumed so far. */
    public long position() { return in.position(); }

    /** Parses the whole RDB, up to and including its checksum. */
    public void parse() throws IOException {
        try {
            readHeader();
            handler.onHeader(version);
            long expireAt = 0;
            while (true) {
                int type = in.readUnsignedByte();
                switch (type) {
                    case RDB_OPCODE_EOF:
                        checkChecksum();
                        handler.onEnd();
                        return;
                    case RDB_OPCODE_SELECTDB:
                        db = r.readCount("database id");
                        continue;
                    case RDB_OPCODE_RESIZEDB:
                        r.readLength();
                        r.readLength();
                        continue;
                    case RDB_OPCODE_EXPIRETIME_MS:
                        expireAt = r.readMillis();
                        continue;
                    case RDB_OPCODE_EXPIRETIME:
                        expireAt = (in.readIntLE() & 0xffffffffL) * 1000L;
                        continue;
                    case RDB_OPCODE_IDLE:
                        r.readLength();
                        continue;
                    case RDB_OPCODE_FREQ:
                        in.readUnsignedByte();
                        continue;
                    case RDB_OPCODE_AUX:
                        readAux();
                        continue;
                    case RDB_OPCODE_MODULE_AUX:
                        skipModuleAux();
                        continue;
                    case RDB_OPCODE_FUNCTION2:
                        handler.onFunction(r.readString());
                        continue;
                    case RDB_OPCODE_FUNCTION_PRE_GA:
                        readPreGaFunction();
                        continue;
                    case VALKEY_OPCODE_SLOT_IMPORT:
                        if (!valkey) { readKeyValue(type, expireAt); continue; }
                        refuseSlotImport();
                        continue;
                    case RDB_OPCODE_SLOT_INFO:
                        r.readLength();
                        r.readLength();
                        r.readLength();
                        continue;
                    default:
                        readKeyValue(type, expireAt);
                        expireAt = 0;
                }
            }
        } catch (EOFException e) {
            throw new RdbException("RDB truncated at byte " + in.position() + where() + ": the snapshot ended early");
        } catch (RdbException e) {
            if (e.getMessage().contains(" at byte ")) throw e;
            String msg = e.getMessage() + " (at byte " + in.position() + where() + ")";
            // keep the kind: a target that cannot store a value is not a damaged snapshot, and is not retried
            throw e instanceof TargetCannotStoreException ? new TargetCannotStoreException(msg) : new RdbException(msg);
        }
    }

    private String where() {
        return currentKey == null ? "" : ", key '" + Printable.bytes(currentKey) + "' in db " + db;
    }

    private void readHeader() throws IOException {
        byte[] magic = in.readBytes(9);
        String head = new String(magic, StandardCharsets.ISO_8859_1);
        if (head.startsWith("VALKEY")) {
            readValkeyVersion(magic);
            return;
        }
        if (!head.startsWith("REDIS")) {
            throw new RdbException("not an RDB file: it does not start with 'REDIS' (starts with '"
                    + Printable.bytes(java.util.Arrays.copyOf(magic, 5)) + "')");
        }
        try {
            version = Integer.parseInt(head.substring(5));
        } catch (NumberFormatException e) {
            throw new RdbException("not an RDB file: bad version digits '" + Printable.bytes(java.util.Arrays.copyOfRange(magic, 5, 9)) + "'");
        }
        if (version < 1 || version > MAX_SUPPORTED_VERSION) {
            throw new RdbException("unsupported RDB version " + version + ": this tool reads versions 1-" + MAX_SUPPORTED_VERSION
                    + " (Redis up to 8.6); the source writes a newer format");
        }
    }

    /** {@code VALKEY} + 3 digits. Valkey 9.2 writes 81 (adding path hashes and inline updates), unread here. */
    private void readValkeyVersion(byte[] magic) throws RdbException {
        valkey = true;
        String digits = new String(magic, 6, 3, StandardCharsets.ISO_8859_1);
        try {
            version = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new RdbException("not an RDB file: bad Valkey version digits '" + Printable.bytes(java.util.Arrays.copyOfRange(magic, 6, 9)) + "'");
        }
        if (version != VALKEY_RDB_80) {
            throw new RdbException("unsupported Valkey RDB version " + version + " (magic 'VALKEY" + digits
                    + "'): this tool reads Valkey RDB " + VALKEY_RDB_80 + " (Valkey 9.0-9.1) and Redis RDB 1-" + MAX_SUPPORTED_VERSION);
        }
    }

    /**
     * Valkey 9 opcode 243: the source was importing slots (atomic slot migration) when it took the snapshot, which
     * then holds keys of slots it does not own yet and may drop if the import fails.
     */
    private void refuseSlotImport() throws IOException {
        byte[] job = r.readString();
        StringBuilder ranges = new StringBuilder();
        for (long n = r.readLength(); n > 0; n--) {
            if (ranges.length() > 0) ranges.append(' ');
            ranges.append(r.readLength()).append('-').append(r.readLength());
        }
        throw new RdbException("the Valkey source was importing slots " + ranges + " (slot migration job '"
                + Printable.bytes(job) + "') when it took the snapshot, which then holds keys of slots it does not own yet;"
                + " run the migration after CLUSTER GETSLOTMIGRATIONS shows the import finished");
    }

    private void readAux() throws IOException {
        byte[] key = r.readString();
        byte[] value = r.readString();
        handler.onAux(key, value);
        String k = new String(key, StandardCharsets.ISO_8859_1);
        if (k.equals("lua") || k.startsWith("__lua_script__")) handler.onScript(value);
    }

    private void checkChecksum() throws IOException {
        if (version < 5) return;
        long computed = in.crc();
        long expected = in.readLongLE();
        if (expected != 0 && expected != computed) {
            throw new RdbException(String.format("RDB checksum mismatch: the file says %016x, its content gives %016x; "
                    + "the snapshot is corrupt", expected, computed));
        }
    }

    /** Redis 7.0 release candidates stored functions as name, engine, optional description, code. */
    private void readPreGaFunction() throws IOException {
        byte[] name = r.readString();
        byte[] engine = r.readString();
        if (r.readLength() != 0) r.readString();
        byte[] code = r.readString();
        byte[] header = ("#!" + new String(engine, StandardCharsets.UTF_8).toLowerCase() + " name="
                + new String(name, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] full = new byte[header.length + code.length];
        System.arraycopy(header, 0, full, 0, header.length);
        System.arraycopy(code, 0, full, header.length, code.length);
        handler.onFunction(full);
    }

    private void skipModuleAux() throws IOException {
        r.readLength(); // module id
        r.readLength(); // when opcode
        r.readLength(); // when
        skipModuleValueBody();
    }

    private void readKeyValue(int type, long expireAt) throws IOException {
        if (valkey) {
            if (type > VALKEY_MAX_TYPE || type == 8) {
                throw new RdbException("unsupported value type or opcode " + type + " in a Valkey RDB " + version
                        + " file (Valkey 9.0 writes value types 0-" + VALKEY_MAX_TYPE + ")");
            }
            if (type == VALKEY_TYPE_HASH_2_BYTE) type = VALKEY_TYPE_HASH_2;
        } else if (type > MAX_SUPPORTED_TYPE || type == 8) {
            String hint = type == 107 ? " (opcode 107 is Redis Enterprise's RAM_LRU: Enterprise-only RDB files are not supported)"
                    : type == RDB_OPCODE_KEY_META ? " (opcode 243 KEY_META: metadata a module attached to the next key"
                            + " through a key-metadata class, which this tool cannot carry; keys without module metadata never have it)"
                    : " (this tool reads value types 0-" + MAX_SUPPORTED_TYPE + " of Redis up to 8.6)";
            throw new RdbException("unsupported RDB value type or opcode " + type + hint);
        }
        if (type == RDB_TYPE_MODULE_PRE_GA) {
            throw new RdbException("unsupported RDB value type 6 (module value of Redis 4.0 release candidates)");
        }
        currentKey = null;
        byte[] key = r.readString();
        currentKey = key;
        boolean expired = config.skipExpired() && expireAt != 0 && expireAt <= System.currentTimeMillis();
        if (expired) {
            skipValue(type);
            keysExpired++;
            currentKey = null;
            return;
        }
        if (type == RDB_TYPE_STRING && expireAt == 0 && config.stringsAsSet()) {
            // a plain SET: a fraction of a RESTORE's cost on the destination, the same value
            new RdbValueDecoder(r, config, handler, db, key).decode(type, expireAt);
            keysSet++;
            currentKey = null;
            return;
        }
        boolean module = type == RDB_TYPE_MODULE_2;
        if (!module && (!restorable(type) || (config.decodeFieldTtls() && hasFieldTtls(type)))) {
            decode(type, key, expireAt);
            currentKey = null;
            return;
        }
        in.startCapture(module ? Long.MAX_VALUE : config.bigKeyThreshold());
        try {
            emptyValue = false;
            String moduleType = skipValue(type);
            in.stopCapture();
            if (emptyValue) {
                keysSkippedEmpty++;
            } else {
                handler.onRestore(db, key, expireAt, payload(type), moduleType);
                keysRestored++;
            }
        } catch (RdbInput.CaptureLimitExceeded tooBig) {
            in.replayCapture();
            decode(type, key, expireAt);
        }
        currentKey = null;
    }

    /** The destination reads this type as a RESTORE payload: Valkey's hash2 only Valkey 9+ does. */
    private boolean restorable(int type) {
        if (type == VALKEY_TYPE_HASH_2) return config.targetValkeyRdb() >= VALKEY_RDB_80;
        return minVersionForType(type) <= config.targetRdbVersion();
    }

    /** Hash encodings that carry per-field TTLs (Redis ≥ 7.4, Valkey ≥ 9); see {@link RdbParserConfig#decodeFieldTtls()}. */
    private static boolean hasFieldTtls(int type) {
        return type == VALKEY_TYPE_HASH_2 || type == RDB_TYPE_HASH_LISTPACK_EX || type == RDB_TYPE_HASH_LISTPACK_EX_PRE_GA
                || type == RDB_TYPE_HASH_METADATA || type == RDB_TYPE_HASH_METADATA_PRE_GA;
    }

    private void decode(int type, byte[] key, long expireAt) throws IOException {
        if (new RdbValueDecoder(r, config, handler, db, key).decode(type, expireAt)) keysDecoded++;
        else keysSkippedEmpty++;
    }

    /**
     * type byte + captured value + 2-byte RDB version + CRC64, the format DUMP produces. The version is the file's,
     * or the destination's when that is older (the caller decoded every type the destination cannot read). In a
     * Valkey file, Valkey's hash2 keeps the file's version (only Valkey 9+ gets it), and the types shared with Redis
     * get at most RDB 11, which has them all and which every destination of them reads (Valkey 9 included); 80 would
     * be refused by any server that is not Valkey 9+.
     */
    private byte[] payload(int type) {
        int label = type == VALKEY_TYPE_HASH_2 ? version
                : Math.min(valkey ? SHARED_TYPES_RDB : version, config.targetRdbVersion());
        if (label != version) keysRelabelled++;
        int n = in.capturedLength();
        byte[] p = new byte[1 + n + 10];
        p[0] = (byte) type; // Valkey's hash2: its on-disk byte 22
        System.arraycopy(in.captured(), 0, p, 1, n);
        p[n + 1] = (byte) label;
        p[n + 2] = (byte) (label >> 8);
        long crc = Crc64.of(p, 0, n + 3);
        for (int i = 0; i < 8; i++) p[n + 3 + i] = (byte) (crc >>> (8 * i));
        return p;
    }

    /** Consumes one value without decoding its elements; returns the module type name for module values. */
    private String skipValue(int type) throws IOException {
        switch (type) {
            case RDB_TYPE_STRING:
                r.skipString();
                return null;
            case RDB_TYPE_HASH_ZIPMAP:
                emptyValue = skipBlobIsEmpty(BLOB_ZIPMAP);
                return null;
            case RDB_TYPE_LIST_ZIPLIST: case RDB_TYPE_ZSET_ZIPLIST: case RDB_TYPE_HASH_ZIPLIST:
                emptyValue = skipBlobIsEmpty(BLOB_ZIPLIST);
                return null;
            case RDB_TYPE_SET_INTSET:
                emptyValue = skipBlobIsEmpty(BLOB_INTSET);
                return null;
            case RDB_TYPE_HASH_LISTPACK: case RDB_TYPE_ZSET_LISTPACK: case RDB_TYPE_SET_LISTPACK:
            case RDB_TYPE_HASH_LISTPACK_EX_PRE_GA:
                emptyValue = skipBlobIsEmpty(BLOB_LISTPACK);
                return null;
            case RDB_TYPE_HASH_LISTPACK_EX:
                r.readMillis();
                emptyValue = skipBlobIsEmpty(BLOB_LISTPACK);
                return null;
            case RDB_TYPE_LIST: case RDB_TYPE_SET: {
                long n = r.readLength();
                emptyValue = n == 0;
                for (; n > 0; n--) r.skipString();
                return null;
            }
            case RDB_TYPE_LIST_QUICKLIST: case RDB_TYPE_LIST_QUICKLIST_2: {
                // Redis drops empty nodes on load, and the key when no node holds an element
                boolean allEmpty = true;
                for (long n = r.readLength(); n > 0; n--) {
                    int blob = BLOB_ZIPLIST;
                    if (type == RDB_TYPE_LIST_QUICKLIST_2) {
                        blob = r.readLength() == QUICKLIST_NODE_CONTAINER_PLAIN ? BLOB_PLAIN : BLOB_LISTPACK;
                    }
                    if (!skipBlobIsEmpty(blob)) allEmpty = false;
                }
                emptyValue = allEmpty;
                return null;
            }
            case RDB_TYPE_ZSET: {
                long n = r.readLength();
                emptyValue = n == 0;
                for (; n > 0; n--) { r.skipString(); r.skipDoubleString(); }
                return null;
            }
            case RDB_TYPE_ZSET_2: {
                long n = r.readLength();
                emptyValue = n == 0;
                for (; n > 0; n--) { r.skipString(); in.skip(8); }
                return null;
            }
            case RDB_TYPE_HASH: {
                long n = r.readLength();
                emptyValue = n == 0;
                for (; n > 0; n--) { r.skipString(); r.skipString(); }
                return null;
            }
            case RDB_TYPE_HASH_METADATA: case RDB_TYPE_HASH_METADATA_PRE_GA: {
                if (type == RDB_TYPE_HASH_METADATA) r.readMillis();
                long n = r.readLength();
                emptyValue = n == 0;
                for (; n > 0; n--) { r.readLength(); r.skipString(); r.skipString(); }
                return null;
            }
            case VALKEY_TYPE_HASH_2: {
                long n = r.readLength();
                emptyValue = n == 0;
                for (; n > 0; n--) { r.skipString(); r.skipString(); in.skip(8); }
                return null;
            }
            case RDB_TYPE_STREAM_LISTPACKS: case RDB_TYPE_STREAM_LISTPACKS_2: case RDB_TYPE_STREAM_LISTPACKS_3:
            case RDB_TYPE_STREAM_LISTPACKS_4:
                skipStream(type);
                return null;
            case RDB_TYPE_MODULE_2: {
                long moduleId = r.readLength();
                skipModuleValueBody();
                return moduleTypeName(moduleId);
            }
            default:
                throw new RdbException("unsupported RDB value type " + type);
        }
    }

    private static final int BLOB_PLAIN = 0;
    private static final int BLOB_ZIPMAP = 1;
    private static final int BLOB_ZIPLIST = 2;
    private static final int BLOB_LISTPACK = 3;
    private static final int BLOB_INTSET = 4;

    /**
     * Skips a string holding a compact encoding and tells, from its header only, whether it holds no element.
     * Only a raw string being captured can be looked at; an LZF-compressed blob is taken as non-empty (an empty
     * compact encoding is 2 to 11 bytes, far below the size Redis compresses).
     */
    private boolean skipBlobIsEmpty(int blob) throws IOException {
        long len = r.readStringHeaderOrMinusOne();
        if (len < 0) {
            r.skipEncodedBody(len);
            return false;
        }
        boolean look = in.capturing();
        int at = in.capturedLength();
        in.skip(len);
        if (!look) return false;
        byte[] c = in.captured();
        switch (blob) {
            case BLOB_ZIPMAP: return len >= 2 && (c[at + 1] & 0xff) == 0xff; // count byte, then the terminator
            case BLOB_ZIPLIST: return len >= 11 && (c[at + 10] & 0xff) == 0xff; // 10-byte header, then the terminator
            case BLOB_LISTPACK: return len >= 7 && (c[at + 6] & 0xff) == 0xff; // 6-byte header, then the terminator
            case BLOB_INTSET: return len >= 8 && (c[at + 4] | c[at + 5] | c[at + 6] | c[at + 7]) == 0; // count 0
            default: return false;
        }
    }

    private void skipStream(int type) throws IOException {
        for (long n = r.readLength(); n > 0; n--) { r.skipString(); r.skipString(); }
        r.readLength(); // length
        r.readLength(); r.readLength(); // last id
        if (type >= RDB_TYPE_STREAM_LISTPACKS_2) {
            r.readLength(); r.readLength(); // first id
            r.readLength(); r.readLength(); // max deleted id
            r.readLength(); // entries added
        }
        for (long g = r.readLength(); g > 0; g--) {
            r.skipString();
            r.readLength(); r.readLength();
            if (type >= RDB_TYPE_STREAM_LISTPACKS_2) r.readLength(); // entries read
            for (long p = r.readLength(); p > 0; p--) { in.skip(16); in.skip(8); r.readLength(); }
            for (long c = r.readLength(); c > 0; c--) {
                r.skipString();
                in.skip(8); // seen time
                if (type >= RDB_TYPE_STREAM_LISTPACKS_3) in.skip(8); // active time
                for (long p = r.readLength(); p > 0; p--) in.skip(16);
            }
        }
        if (type >= RDB_TYPE_STREAM_LISTPACKS_4) {
            r.readLength(); r.readLength(); // IDMP duration, max size
            for (long p = r.readLength(); p > 0; p--) {
                r.skipString(); // producer id
                for (long e = r.readLength(); e > 0; e--) { r.skipString(); r.readLength(); r.readLength(); } // iid, stream id
            }
            r.readLength(); r.readLength(); // iids added, iids duplicates
        }
    }

    /** Module values of the "module2" format are a self-describing list of typed fields ending with EOF. */
    private void skipModuleValueBody() throws IOException {
        while (true) {
            long op = r.readLength();
            switch ((int) op) {
                case RDB_MODULE_OPCODE_EOF: return;
                case RDB_MODULE_OPCODE_SINT: case RDB_MODULE_OPCODE_UINT: r.readLength(); break;
                case RDB_MODULE_OPCODE_FLOAT: in.skip(4); break;
                case RDB_MODULE_OPCODE_DOUBLE: in.skip(8); break;
                case RDB_MODULE_OPCODE_STRING: r.skipString(); break;
                default: throw new RdbException("corrupt module value: unknown field opcode " + op);
            }
        }
    }

    private static final String MODULE_CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /** The 9-character module type name packed into the upper 54 bits of a module id (see module.c). */
    static String moduleTypeName(long moduleId) {
        char[] name = new char[9];
        long id = moduleId >>> 10;
        for (int j = 8; j >= 0; j--) {
            name[j] = MODULE_CHARSET.charAt((int) (id & 63));
            id >>>= 6;
        }
        return new String(name);
    }
}
