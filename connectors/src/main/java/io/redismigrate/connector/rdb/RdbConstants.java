package io.redismigrate.connector.rdb;

/**
 * Value types and opcodes of the RDB format, named as in Redis's {@code rdb.h}; Valkey's own format (magic
 * {@code VALKEY}, Valkey's {@code rdb.h}) shares types 0-21 and the opcodes from 244 up, and gives 22 and 243 other
 * meanings ({@code VALKEY_*}).
 */
public final class RdbConstants {
    private RdbConstants() {}

    /** Highest Redis RDB version this parser reads (Redis 8.6: streams with IDMP). */
    public static final int MAX_SUPPORTED_VERSION = 13;
    /** The Valkey RDB version this parser reads (magic {@code VALKEY080}, Valkey 9.0 and 9.1). */
    public static final int VALKEY_RDB_80 = 80;
    /** Newest RDB version the value types 0-21 shared by Redis and Valkey need (Redis 7.2, Valkey 7.2-8.1). */
    public static final int SHARED_TYPES_RDB = 11;

    public static final int RDB_TYPE_STRING = 0;
    public static final int RDB_TYPE_LIST = 1;
    public static final int RDB_TYPE_SET = 2;
    public static final int RDB_TYPE_ZSET = 3;
    public static final int RDB_TYPE_HASH = 4;
    public static final int RDB_TYPE_ZSET_2 = 5;
    public static final int RDB_TYPE_MODULE_PRE_GA = 6;
    public static final int RDB_TYPE_MODULE_2 = 7;
    public static final int RDB_TYPE_HASH_ZIPMAP = 9;
    public static final int RDB_TYPE_LIST_ZIPLIST = 10;
    public static final int RDB_TYPE_SET_INTSET = 11;
    public static final int RDB_TYPE_ZSET_ZIPLIST = 12;
    public static final int RDB_TYPE_HASH_ZIPLIST = 13;
    public static final int RDB_TYPE_LIST_QUICKLIST = 14;
    public static final int RDB_TYPE_STREAM_LISTPACKS = 15;
    public static final int RDB_TYPE_HASH_LISTPACK = 16;
    public static final int RDB_TYPE_ZSET_LISTPACK = 17;
    public static final int RDB_TYPE_LIST_QUICKLIST_2 = 18;
    public static final int RDB_TYPE_STREAM_LISTPACKS_2 = 19;
    public static final int RDB_TYPE_SET_LISTPACK = 20;
    public static final int RDB_TYPE_STREAM_LISTPACKS_3 = 21;
    public static final int RDB_TYPE_HASH_METADATA_PRE_GA = 22;
    public static final int RDB_TYPE_HASH_LISTPACK_EX_PRE_GA = 23;
    public static final int RDB_TYPE_HASH_METADATA = 24;
    public static final int RDB_TYPE_HASH_LISTPACK_EX = 25;
    /** Stream with IDMP (idempotent producer) state, RDB 13 (Redis 8.6). */
    public static final int RDB_TYPE_STREAM_LISTPACKS_4 = 26;
    /** Highest Redis value type this parser reads. */
    public static final int MAX_SUPPORTED_TYPE = RDB_TYPE_STREAM_LISTPACKS_4;

    /** Valkey 9's hash with per-field TTLs ("hash2"): on disk type byte 22, in Valkey files only. */
    public static final int VALKEY_TYPE_HASH_2_BYTE = 22;
    /**
     * The parser's internal code for Valkey's hash2, kept apart from Redis's type 22 (HASH_METADATA_PRE_GA); never
     * on disk: payloads carry its low byte.
     */
    public static final int VALKEY_TYPE_HASH_2 = 0x100 | VALKEY_TYPE_HASH_2_BYTE;
    /** Highest value type a Valkey RDB 80 file holds. */
    public static final int VALKEY_MAX_TYPE = VALKEY_TYPE_HASH_2_BYTE;
    /** Valkey 9: a slot import (atomic slot migration) in progress: job name, then slot ranges. */
    public static final int VALKEY_OPCODE_SLOT_IMPORT = 243;

    public static final int RDB_OPCODE_KEY_META = 243;
    public static final int RDB_OPCODE_SLOT_INFO = 244;
    public static final int RDB_OPCODE_FUNCTION2 = 245;
    public static final int RDB_OPCODE_FUNCTION_PRE_GA = 246;
    public static final int RDB_OPCODE_MODULE_AUX = 247;
    public static final int RDB_OPCODE_IDLE = 248;
    public static final int RDB_OPCODE_FREQ = 249;
    public static final int RDB_OPCODE_AUX = 250;
    public static final int RDB_OPCODE_RESIZEDB = 251;
    public static final int RDB_OPCODE_EXPIRETIME_MS = 252;
    public static final int RDB_OPCODE_EXPIRETIME = 253;
    public static final int RDB_OPCODE_SELECTDB = 254;
    public static final int RDB_OPCODE_EOF = 255;

    /** Length encodings (two high bits of the first length byte). */
    public static final int RDB_6BITLEN = 0;
    public static final int RDB_14BITLEN = 1;
    public static final int RDB_32BITLEN = 0x80;
    public static final int RDB_64BITLEN = 0x81;
    public static final int RDB_ENCVAL = 3;
    public static final int RDB_ENC_INT8 = 0;
    public static final int RDB_ENC_INT16 = 1;
    public static final int RDB_ENC_INT32 = 2;
    public static final int RDB_ENC_LZF = 3;

    /** Module value opcodes (module2 serialization is self-describing). */
    public static final int RDB_MODULE_OPCODE_EOF = 0;
    public static final int RDB_MODULE_OPCODE_SINT = 1;
    public static final int RDB_MODULE_OPCODE_UINT = 2;
    public static final int RDB_MODULE_OPCODE_FLOAT = 3;
    public static final int RDB_MODULE_OPCODE_DOUBLE = 4;
    public static final int RDB_MODULE_OPCODE_STRING = 5;

    public static final int QUICKLIST_NODE_CONTAINER_PLAIN = 1;
    public static final int QUICKLIST_NODE_CONTAINER_PACKED = 2;

    /** Human name of a value type, for messages. */
    public static String typeName(int type) {
        switch (type) {
            case RDB_TYPE_STRING: return "string";
            case RDB_TYPE_LIST: case RDB_TYPE_LIST_ZIPLIST: case RDB_TYPE_LIST_QUICKLIST: case RDB_TYPE_LIST_QUICKLIST_2:
                return "list";
            case RDB_TYPE_SET: case RDB_TYPE_SET_INTSET: case RDB_TYPE_SET_LISTPACK: return "set";
            case RDB_TYPE_ZSET: case RDB_TYPE_ZSET_2: case RDB_TYPE_ZSET_ZIPLIST: case RDB_TYPE_ZSET_LISTPACK: return "zset";
            case RDB_TYPE_HASH: case RDB_TYPE_HASH_ZIPMAP: case RDB_TYPE_HASH_ZIPLIST: case RDB_TYPE_HASH_LISTPACK:
            case RDB_TYPE_HASH_METADATA_PRE_GA: case RDB_TYPE_HASH_LISTPACK_EX_PRE_GA: case RDB_TYPE_HASH_METADATA:
            case RDB_TYPE_HASH_LISTPACK_EX:
                return "hash";
            case VALKEY_TYPE_HASH_2: return "hash";
            case RDB_TYPE_STREAM_LISTPACKS: case RDB_TYPE_STREAM_LISTPACKS_2: case RDB_TYPE_STREAM_LISTPACKS_3:
            case RDB_TYPE_STREAM_LISTPACKS_4:
                return "stream";
            case RDB_TYPE_MODULE_PRE_GA: case RDB_TYPE_MODULE_2: return "module";
            default: return "type " + type;
        }
    }

    /**
     * The oldest Redis RDB version that has this value type, for choosing between RESTORE and the decoding path
     * (Valkey's hash2 is no Redis type: {@link RdbParser} checks it against the destination's Valkey version).
     */
    public static int minVersionForType(int type) {
        switch (type) {
            case RDB_TYPE_HASH_ZIPMAP: case RDB_TYPE_LIST_ZIPLIST: case RDB_TYPE_SET_INTSET: case RDB_TYPE_ZSET_ZIPLIST:
            case RDB_TYPE_HASH_ZIPLIST:
                return 2;
            case RDB_TYPE_ZSET_2: return 8;
            case RDB_TYPE_MODULE_2: return 8;
            case RDB_TYPE_LIST_QUICKLIST: return 7;
            case RDB_TYPE_STREAM_LISTPACKS: return 9;
            case RDB_TYPE_HASH_LISTPACK: case RDB_TYPE_ZSET_LISTPACK: case RDB_TYPE_LIST_QUICKLIST_2:
            case RDB_TYPE_STREAM_LISTPACKS_2:
                return 10;
            case RDB_TYPE_SET_LISTPACK: case RDB_TYPE_STREAM_LISTPACKS_3: return 11;
            case RDB_TYPE_HASH_METADATA_PRE_GA: case RDB_TYPE_HASH_LISTPACK_EX_PRE_GA: case RDB_TYPE_HASH_METADATA:
            case RDB_TYPE_HASH_LISTPACK_EX:
                return 12;
            case RDB_TYPE_STREAM_LISTPACKS_4: return 13;
            case VALKEY_TYPE_HASH_2: return Integer.MAX_VALUE;
            default: return 1;
        }
    }

    /**
     * The collection encodings a server reading RDB up to {@code level} takes as RESTORE payloads, named for people
     * ("intsets, hash tables, …"), for precheck's explanation of which values are re-labelled and which decoded.
     */
    public static String readableTypes(int level) {
        java.util.List<String> names = new java.util.ArrayList<>();
        names.add("intsets, plain sets, lists, zsets and hashes");
        if (level >= 7) names.add("quicklists of ziplists");
        if (level >= 8) names.add("binary-score zsets");
        if (level >= 9) names.add("streams v1");
        if (level >= 10) names.add("listpack hashes and zsets, quicklists of listpacks, streams v2");
        if (level >= 11) names.add("listpack sets, streams v3");
        if (level >= 12) names.add("hashes with field TTLs");
        return String.join(", ", names);
    }
}
