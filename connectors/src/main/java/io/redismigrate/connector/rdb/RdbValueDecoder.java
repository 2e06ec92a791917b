package io.redismigrate.connector.rdb;


import io.redismigrate.connector.event.Printable;

import io.redismigrate.connector.rdb.internal.ElementIterator;
import io.redismigrate.connector.rdb.internal.Elements;
import io.redismigrate.connector.rdb.internal.Intset;
import io.redismigrate.connector.rdb.internal.Listpack;
import io.redismigrate.connector.rdb.internal.Ziplist;
import io.redismigrate.connector.rdb.internal.Zipmap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.redismigrate.connector.rdb.RdbConstants.*;

/**
 * The decoding path: reads one value element by element and writes it as commands, in chunks of at most
 * {@code chunkElements} elements / {@code chunkBytes} bytes, so a value of any size streams through with
 * bounded memory. Sequence per key: DEL (except strings), the chunked writes, PEXPIREAT.
 */
final class RdbValueDecoder {
    private static final byte[] DEL = b("DEL");
    private static final byte[] SET = b("SET");
    private static final byte[] APPEND = b("APPEND");
    private static final byte[] RPUSH = b("RPUSH");
    private static final byte[] SADD = b("SADD");
    private static final byte[] ZADD = b("ZADD");
    private static final byte[] HSET = b("HSET");
    private static final byte[] PEXPIREAT = b("PEXPIREAT");
    private static final byte[] HPEXPIREAT = b("HPEXPIREAT");
    private static final byte[] FIELDS = b("FIELDS");
    private static final byte[] ONE = b("1");
    private static final byte[] XADD = b("XADD");
    private static final byte[] XSETID = b("XSETID");
    private static final byte[] XGROUP = b("XGROUP");
    private static final byte[] XCLAIM = b("XCLAIM");
    private static final byte[] CREATE = b("CREATE");
    private static final byte[] CREATECONSUMER = b("CREATECONSUMER");
    private static final byte[] XREADGROUP = b("XREADGROUP");
    private static final byte[] GROUP = b("GROUP");
    private static final byte[] COUNT = b("COUNT");
    private static final byte[] STREAMS = b("STREAMS");
    private static final byte[] MAXLEN = b("MAXLEN");
    private static final byte[] ZERO = b("0");
    private static final byte[] ZERO_ID = b("0-0");
    private static final byte[] ENTRIESREAD = b("ENTRIESREAD");
    private static final byte[] ENTRIESADDED = b("ENTRIESADDED");
    private static final byte[] MAXDELETEDID = b("MAXDELETEDID");
    private static final byte[] TIME = b("TIME");
    private static final byte[] RETRYCOUNT = b("RETRYCOUNT");
    private static final byte[] FORCE = b("FORCE");
    private static final byte[] JUSTID = b("JUSTID");
    private static final byte[] XCFGSET = b("XCFGSET");
    private static final byte[] IDMP_DURATION = b("IDMP-DURATION");
    private static final byte[] IDMP_MAXSIZE = b("IDMP-MAXSIZE");
    private static final byte[] XIDMPRECORD = b("XIDMPRECORD");
    /** RDB version of Redis 8.6, the first with IDMP (XCFGSET, XIDMPRECORD). */
    private static final int RDB_TYPE_STREAM_LISTPACKS_4_RDB = 13;

    private final RdbReader r;
    private final RdbParserConfig config;
    private final RdbHandler out;
    private final int db;
    private final byte[] key;

    // the command being filled
    private byte[] cmd;
    private final List<byte[]> args = new ArrayList<>();
    private int chunkElements;
    private long chunkBytes;
    private final List<byte[][]> fieldTtls = new ArrayList<>();

    RdbValueDecoder(RdbReader r, RdbParserConfig config, RdbHandler out, int db, byte[] key) {
        this.r = r;
        this.config = config;
        this.out = out;
        this.db = db;
        this.key = key;
    }

    /**
     * Decodes one value into commands. Returns false, having written nothing, when the value holds no element
     * (Redis skips such keys on load): the DEL that starts a key is only sent before its first write.
     */
    boolean decode(int type, long expireAt) throws IOException {
        if (type == RDB_TYPE_STRING) {
            decodeString();
        } else {
            pendingDel = true;
            switch (type) {
                case RDB_TYPE_LIST: case RDB_TYPE_SET:
                    start(type == RDB_TYPE_LIST ? RPUSH : SADD);
                    for (long n = r.readLength(); n > 0; n--) add(r.readString());
                    break;
                case RDB_TYPE_LIST_ZIPLIST: start(RPUSH); addAll(new Ziplist(r.readString())); break;
                case RDB_TYPE_LIST_QUICKLIST: case RDB_TYPE_LIST_QUICKLIST_2:
                    start(RPUSH);
                    for (long n = r.readLength(); n > 0; n--) {
                        long container = type == RDB_TYPE_LIST_QUICKLIST_2 ? r.readLength() : QUICKLIST_NODE_CONTAINER_PACKED;
                        byte[] node = r.readString();
                        if (container == QUICKLIST_NODE_CONTAINER_PLAIN) add(node);
                        else if (type == RDB_TYPE_LIST_QUICKLIST_2) addAll(new Listpack(node));
                        else addAll(new Ziplist(node));
                    }
                    break;
                case RDB_TYPE_SET_INTSET: start(SADD); addAll(new Intset(r.readString())); break;
                case RDB_TYPE_SET_LISTPACK: start(SADD); addAll(new Listpack(r.readString())); break;
                case RDB_TYPE_ZSET: case RDB_TYPE_ZSET_2:
                    start(ZADD);
                    for (long n = r.readLength(); n > 0; n--) {
                        byte[] member = r.readString();
                        byte[] score = type == RDB_TYPE_ZSET ? r.readDoubleString() : RdbReader.score(r.readBinaryDouble());
                        add(score, member);
                    }
                    break;
                case RDB_TYPE_ZSET_ZIPLIST: case RDB_TYPE_ZSET_LISTPACK: {
                    start(ZADD);
                    byte[] blob = r.readString();
                    ElementIterator it = type == RDB_TYPE_ZSET_ZIPLIST ? new Ziplist(blob) : new Listpack(blob);
                    while (it.hasNext()) {
                        byte[] member = it.next();
                        add(it.next(), member);
                    }
                    break;
                }
                case RDB_TYPE_HASH:
                    start(HSET);
                    for (long n = r.readLength(); n > 0; n--) add(r.readString(), r.readString());
                    break;
                case RDB_TYPE_HASH_ZIPMAP: start(HSET); addPairs(new Zipmap(r.readString())); break;
                case RDB_TYPE_HASH_ZIPLIST: start(HSET); addPairs(new Ziplist(r.readString())); break;
                case RDB_TYPE_HASH_LISTPACK: start(HSET); addPairs(new Listpack(r.readString())); break;
                case RDB_TYPE_HASH_LISTPACK_EX: case RDB_TYPE_HASH_LISTPACK_EX_PRE_GA: {
                    if (type == RDB_TYPE_HASH_LISTPACK_EX) r.readMillis();
                    start(HSET);
                    Listpack lp = new Listpack(r.readString());
                    while (lp.hasNext()) {
                        byte[] field = lp.next();
                        byte[] value = lp.next();
                        long ttl = Elements.parseLong(lp.next());
                        if (fieldExpired(ttl)) continue;
                        add(field, value);
                        if (ttl != 0) fieldTtl(field, ttl);
                    }
                    break;
                }
                case RDB_TYPE_HASH_METADATA: case RDB_TYPE_HASH_METADATA_PRE_GA: {
                    long minExpire = type == RDB_TYPE_HASH_METADATA ? r.readMillis() : 0;
                    start(HSET);
                    for (long n = r.readLength(); n > 0; n--) {
                        long ttl = r.readLength();
                        long expireAtField = type == RDB_TYPE_HASH_METADATA ? (ttl != 0 ? ttl + minExpire - 1 : 0) : ttl;
                        byte[] field = r.readString();
                        byte[] value = r.readString();
                        if (fieldExpired(expireAtField)) continue;
                        add(field, value);
                        if (expireAtField != 0) fieldTtl(field, expireAtField);
                    }
                    break;
                }
                case VALKEY_TYPE_HASH_2:
                    // Valkey 9: field, value, absolute expiry in ms (-1: none)
                    start(HSET);
                    for (long n = r.readLength(); n > 0; n--) {
                        byte[] field = r.readString();
                        byte[] value = r.readString();
                        long ttl = r.readMillis();
                        if (ttl < -1) throw new RdbException("corrupt Valkey hash: field expiry " + ttl);
                        if (ttl != -1 && fieldExpired(ttl)) continue;
                        add(field, value);
                        if (ttl != -1) fieldTtl(field, ttl);
                    }
                    break;
                case RDB_TYPE_STREAM_LISTPACKS: case RDB_TYPE_STREAM_LISTPACKS_2: case RDB_TYPE_STREAM_LISTPACKS_3:
                case RDB_TYPE_STREAM_LISTPACKS_4:
                    decodeStream(type);
                    break;
                default:
                    throw new RdbException("value type " + typeName(type) + " (" + type + ") cannot be decoded into commands");
            }
            finish();
            if (!wrote) return false;
        }
        for (byte[][] ft : fieldTtls) emit(HPEXPIREAT, key, ft[1], FIELDS, ONE, ft[0]);
        if (expireAt != 0) emit(PEXPIREAT, key, RdbReader.ascii(expireAt));
        return true;
    }

    /**
     * A hash field whose TTL passed before it was read is not written (as for keys, with skipExpired): a TTL shift
     * would otherwise bring it back on the target for the length of the shift.
     */
    private boolean fieldExpired(long expireAtMs) {
        return config.skipExpired() && expireAtMs != 0 && expireAtMs <= now;
    }

    private final long now = System.currentTimeMillis();

    /** Records a field's TTL for HPEXPIREAT; a destination without field TTLs stops the job (precheck refuses such sources first). */
    private void fieldTtl(byte[] field, long expireAtMs) throws TargetCannotStoreException {
        if (!config.targetFieldTtls()) {
            throw new TargetCannotStoreException("hash '" + Printable.bytes(key) + "' (db " + db + ") has fields with a TTL, which"
                    + " the target cannot store: it needs Redis 7.4+ or Valkey 9.0+ (or remove the field TTLs with HPERSIST on the source)");
        }
        fieldTtls.add(new byte[][] {field, RdbReader.ascii(expireAtMs)});
    }

    /** A DEL is owed before the first write of this key. */
    private boolean pendingDel;
    /** Whether any command has been written for this key. */
    private boolean wrote;

    /** Sends one command of this key; the first one sent is flagged as the key's start. */
    private void send(byte[][] command) throws IOException {
        if (pendingDel) {
            pendingDel = false;
            out.onCommand(db, key, new byte[][] {DEL, key}, !wrote);
            wrote = true;
        }
        out.onCommand(db, key, command, !wrote);
        wrote = true;
    }

    private void decodeString() throws IOException {
        long len = r.readStringHeaderOrMinusOne();
        if (len < 0) {
            emit(SET, key, r.readEncodedBody(len));
            return;
        }
        int chunk = Math.max(1, config.chunkBytes());
        long done = 0;
        do {
            int n = (int) Math.min(chunk, len - done);
            byte[] part = r.in.readBytes(n);
            emit(done == 0 ? SET : APPEND, key, part);
            done += n;
        } while (done < len);
    }

    private void decodeStream(int type) throws IOException {
        // entries: listpacks keyed by their master ID
        for (long n = r.readLength(); n > 0; n--) {
            byte[] nodeKey = r.readString();
            if (nodeKey.length != 16) throw new RdbException("corrupt stream: node key of " + nodeKey.length + " bytes");
            long masterMs = be64(nodeKey, 0);
            long masterSeq = be64(nodeKey, 8);
            decodeStreamListpack(new Listpack(r.readString()), masterMs, masterSeq);
        }
        r.readLength(); // length
        byte[] lastId = id(r.readLength(), r.readLength());
        byte[] maxDeleted = null;
        byte[] entriesAdded = null;
        if (type >= RDB_TYPE_STREAM_LISTPACKS_2) {
            r.readLength(); r.readLength(); // first id
            maxDeleted = id(r.readLength(), r.readLength());
            entriesAdded = RdbReader.ascii(r.readLength());
        }
        // A stream whose listpacks hold nothing must still exist with its last ID: add and trim one entry.
        // XADD refuses ID 0-0 (a stream made by XGROUP CREATE … MKSTREAM has that last ID): add 0-1 instead, the
        // XSETID below sets the last ID back to 0-0.
        if (!streamHasEntries) {
            boolean zero = Arrays.equals(lastId, ZERO_ID);
            emit(XADD, key, MAXLEN, ZERO, zero ? b("0-1") : lastId, b("_"), b("_"));
        }
        boolean modern = config.targetRdbVersion() >= 10; // ENTRIESADDED, ENTRIESREAD, CREATECONSUMER: Redis 7.0+
        byte[][] setId = entriesAdded != null && modern
                ? new byte[][] {XSETID, key, lastId, ENTRIESADDED, entriesAdded, MAXDELETEDID, maxDeleted}
                : new byte[][] {XSETID, key, lastId};
        emit(setId);

        for (long g = r.readLength(); g > 0; g--) {
            byte[] group = r.readString();
            byte[] groupId = id(r.readLength(), r.readLength());
            if (type >= RDB_TYPE_STREAM_LISTPACKS_2) {
                byte[] entriesRead = RdbReader.ascii(r.readLength());
                if (modern) emit(XGROUP, CREATE, key, group, groupId, ENTRIESREAD, entriesRead);
                else emit(XGROUP, CREATE, key, group, groupId);
            } else {
                emit(XGROUP, CREATE, key, group, groupId);
            }
            Map<String, long[]> pel = new HashMap<>();
            for (long p = r.readLength(); p > 0; p--) {
                byte[] rawId = r.in.readBytes(16);
                long deliveryTime = r.readMillis();
                long deliveryCount = r.readLength();
                pel.put(new String(rawId, StandardCharsets.ISO_8859_1), new long[] {deliveryTime, deliveryCount});
            }
            for (long c = r.readLength(); c > 0; c--) {
                byte[] consumer = r.readString();
                r.readMillis(); // seen time: cannot be set through commands
                if (type >= RDB_TYPE_STREAM_LISTPACKS_3) r.readMillis(); // active time
                if (modern) emit(XGROUP, CREATECONSUMER, key, group, consumer);
                // before 7.0 (6.0 has no CREATECONSUMER): reading the new consumer's own history, empty, creates it
                // and delivers nothing
                else emit(XREADGROUP, GROUP, group, consumer, COUNT, ONE, STREAMS, key, ZERO);
                for (long p = r.readLength(); p > 0; p--) {
                    byte[] rawId = r.in.readBytes(16);
                    long[] nack = pel.get(new String(rawId, StandardCharsets.ISO_8859_1));
                    if (nack == null) throw new RdbException("corrupt stream: consumer PEL entry missing from the group PEL");
                    emit(XCLAIM, key, group, consumer, ZERO, id(be64(rawId, 0), be64(rawId, 8)),
                            TIME, RdbReader.ascii(nack[0]), RETRYCOUNT, RdbReader.ascii(nack[1]), FORCE, JUSTID);
                }
            }
        }
        // Deleted entries were added so that pending entries pointing at them could be claimed; drop them now,
        // then set the stream's counters (XDEL changed max-deleted-id) to the source's values.
        for (int i = 0; i < deletedIds.size(); i += 512) {
            List<byte[]> xdel = new ArrayList<>();
            xdel.add(b("XDEL"));
            xdel.add(key);
            xdel.addAll(deletedIds.subList(i, Math.min(deletedIds.size(), i + 512)));
            send(xdel.toArray(new byte[0][]));
        }
        if (!deletedIds.isEmpty()) emit(setId);
        if (type >= RDB_TYPE_STREAM_LISTPACKS_4) decodeIdmp();
    }

    /**
     * Redis 8.6 IDMP state: duration and max size of the idempotency window, then per producer the idempotent IDs
     * it recorded and the entry each one added, then two counters (ids added, duplicates) no command sets. A target
     * before Redis 8.6 has no IDMP: a recorded producer stops the job (its duplicates would be added again), the
     * window settings alone are dropped with the feature.
     */
    private void decodeIdmp() throws IOException {
        byte[] duration = RdbReader.ascii(r.readLength());
        byte[] maxSize = RdbReader.ascii(r.readLength());
        boolean idmp = config.targetRdbVersion() >= RDB_TYPE_STREAM_LISTPACKS_4_RDB;
        if (idmp) emit(XCFGSET, key, IDMP_DURATION, duration, IDMP_MAXSIZE, maxSize);
        long producers = r.readLength();
        if (producers > 0 && !idmp) {
            throw new TargetCannotStoreException("stream '" + Printable.bytes(key) + "' (db " + db + ") has IDMP producer state ("
                    + producers + " producer(s) with recorded idempotent IDs), which the target cannot store: it needs Redis 8.6+"
                    + " (RDB 13)");
        }
        for (; producers > 0; producers--) {
            byte[] pid = r.readString();
            for (long e = r.readLength(); e > 0; e--) {
                byte[] iid = r.readString();
                emit(XIDMPRECORD, key, pid, iid, id(r.readLength(), r.readLength()));
            }
        }
        r.readLength(); // iids added
        r.readLength(); // iids duplicates
    }

    private final List<byte[]> deletedIds = new ArrayList<>();

    private boolean streamHasEntries;

    /** Stream listpack: master entry (count, deleted, fields…, 0), then entries (flags, ms/seq diffs, fields/values, lp-count). */
    private void decodeStreamListpack(Listpack lp, long masterMs, long masterSeq) throws IOException {
        long count = Elements.parseLong(lp.next());
        long deleted = Elements.parseLong(lp.next());
        long fieldCount = Elements.parseLong(lp.next());
        if (fieldCount < 0 || fieldCount > lp.remainingBytes()) {
            throw new RdbException("corrupt stream: master entry claims " + fieldCount + " fields");
        }
        int masterFieldCount = (int) fieldCount;
        byte[][] masterFields = new byte[masterFieldCount][];
        for (int i = 0; i < masterFieldCount; i++) masterFields[i] = lp.next();
        lp.next(); // master entry terminator
        for (long e = 0; e < count + deleted; e++) {
            int flags = (int) Elements.parseLong(lp.next());
            long ms = masterMs + Elements.parseLong(lp.next());
            long seq = masterSeq + Elements.parseLong(lp.next());
            boolean isDeleted = (flags & 1) != 0;
            boolean sameFields = (flags & 2) != 0;
            List<byte[]> xadd = new ArrayList<>();
            xadd.add(XADD);
            xadd.add(key);
            xadd.add(id(ms, seq));
            if (sameFields) {
                for (byte[] f : masterFields) { xadd.add(f); xadd.add(lp.next()); }
            } else {
                int fields = (int) Elements.parseLong(lp.next());
                for (int i = 0; i < fields; i++) { xadd.add(lp.next()); xadd.add(lp.next()); }
            }
            lp.next(); // lp-count
            send(xadd.toArray(new byte[0][]));
            streamHasEntries = true;
            if (isDeleted) deletedIds.add(xadd.get(2));
        }
    }

    private static long be64(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (b[off + i] & 0xff);
        return v;
    }

    private static byte[] id(long ms, long seq) {
        return (Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq)).getBytes(StandardCharsets.US_ASCII);
    }

    private void start(byte[] command) {
        cmd = command;
        args.clear();
        chunkElements = 0;
        chunkBytes = 0;
    }

    private void addAll(ElementIterator it) throws IOException {
        while (it.hasNext()) add(it.next());
    }

    private void addPairs(ElementIterator it) throws IOException {
        while (it.hasNext()) {
            byte[] field = it.next();
            add(field, it.next());
        }
    }

    private void add(byte[]... elementParts) throws IOException {
        for (byte[] part : elementParts) {
            args.add(part);
            chunkBytes += part.length;
        }
        if (++chunkElements >= config.chunkElements() || chunkBytes >= config.chunkBytes()) finish();
    }

    private void finish() throws IOException {
        if (args.isEmpty()) return;
        byte[][] c = new byte[args.size() + 2][];
        c[0] = cmd;
        c[1] = key;
        for (int i = 0; i < args.size(); i++) c[i + 2] = args.get(i);
        send(c);
        args.clear();
        chunkElements = 0;
        chunkBytes = 0;
    }

    private void emit(byte[]... command) throws IOException {
        send(command);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
