package io.redismigrate.connector.rdb;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Test helper: an {@link RdbHandler} that keeps everything in memory. Decoding-path commands are applied to a tiny
 * in-memory model of each key (type + content + TTLs), so the two paths and expected-output files can be compared
 * per key. Keys and values are held as ISO-8859-1 strings, which preserve every byte.
 */
final class Collected implements RdbHandler {
    /** One key as the parser produced it. */
    static final class Key {
        final int db;
        final String name;
        long expireAt;
        /** Fast path: the RESTORE payload and module type (null on the decoding path). */
        byte[] payload;
        String moduleType;
        /** Decoding path: the content the commands build. */
        String kind; // string, list, set, zset, hash, stream
        final StringBuilder string = new StringBuilder();
        final List<String> list = new ArrayList<>();
        final Set<String> set = new LinkedHashSet<>();
        final Map<String, Double> zset = new LinkedHashMap<>();
        final Map<String, String> hash = new LinkedHashMap<>();
        final Map<String, Long> fieldExpireAt = new TreeMap<>();
        /** Stream entries id -> flattened field/value pairs (XDEL removes). */
        final Map<String, List<String>> stream = new LinkedHashMap<>();
        final List<String> streamMeta = new ArrayList<>();
        final List<String> commands = new ArrayList<>();

        Key(int db, String name) {
            this.db = db;
            this.name = name;
        }

        int type() {
            return payload == null ? -1 : payload[0] & 0xff;
        }

        /** Comparable summary of the content (decoding path). */
        String content() {
            switch (Objects.toString(kind, "")) {
                case "string": return "string:" + string;
                case "list": return "list:" + list;
                case "set": return "set:" + new java.util.TreeSet<>(set);
                case "zset": return "zset:" + new TreeMap<>(zset);
                case "hash": return "hash:" + new TreeMap<>(hash) + " ttl:" + fieldExpireAt;
                case "stream": return "stream:" + stream + " meta:" + streamMeta;
                default: return "none";
            }
        }

        @Override
        public String toString() {
            return "db" + db + " '" + name + "' exp=" + expireAt + " " + (payload != null ? "RESTORE type " + type() : content());
        }
    }

    int version;
    final Map<String, String> aux = new LinkedHashMap<>();
    final Map<String, Key> keys = new LinkedHashMap<>();
    final List<String> functions = new ArrayList<>();
    final List<String> scripts = new ArrayList<>();
    boolean ended;
    /** Real files never repeat a key; damaged ones (fuzzing) may, which the parser does not track. */
    boolean strict = true;

    static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private Key key(int db, byte[] name) {
        return keys.computeIfAbsent(db + "\0" + s(name), k -> new Key(db, s(name)));
    }

    Key get(int db, String name) {
        return keys.get(db + "\0" + name);
    }

    /** Parses {@code rdb} with {@code config} into a new collector; returns the parser for its counters. */
    static Collected parse(byte[] rdb, RdbParserConfig config) throws IOException {
        return parse(new ByteArrayInputStream(rdb), config);
    }

    static Collected parse(InputStream in, RdbParserConfig config) throws IOException {
        return parse(in, config, true);
    }

    static Collected parse(InputStream in, RdbParserConfig config, boolean strict) throws IOException {
        Collected c = new Collected();
        c.strict = strict;
        c.parser = new RdbParser(in, c, config);
        c.parser.parse();
        return c;
    }

    RdbParser parser;

    @Override
    public void onHeader(int rdbVersion) {
        version = rdbVersion;
    }

    @Override
    public void onAux(byte[] key, byte[] value) {
        aux.put(s(key), s(value));
    }

    @Override
    public void onRestore(int db, byte[] key, long expireAtMs, byte[] payload, String moduleType) {
        Key k = key(db, key);
        if (strict && (k.payload != null || k.kind != null)) throw new AssertionError("key emitted twice: " + k);
        k.payload = payload;
        k.moduleType = moduleType;
        k.expireAt = expireAtMs;
    }

    @Override
    public void onCommand(int db, byte[] keyName, byte[][] args, boolean keyStart) {
        Key k = key(db, keyName);
        String cmd = s(args[0]).toUpperCase();
        if (!strict) return; // damaged input: the commands need not make sense, only the parser's behaviour counts
        k.commands.add(cmd);
        switch (cmd) {
            case "DEL":
                if (strict && k.kind != null) throw new AssertionError("DEL after content for " + k);
                break;
            case "SET": k.kind = kind(k, "string"); k.string.setLength(0); k.string.append(s(args[2])); break;
            case "APPEND": k.kind = kind(k, "string"); k.string.append(s(args[2])); break;
            case "RPUSH": k.kind = kind(k, "list"); for (int i = 2; i < args.length; i++) k.list.add(s(args[i])); break;
            case "SADD": k.kind = kind(k, "set"); for (int i = 2; i < args.length; i++) k.set.add(s(args[i])); break;
            case "ZADD":
                k.kind = kind(k, "zset");
                for (int i = 2; i < args.length; i += 2) k.zset.put(s(args[i + 1]), score(s(args[i])));
                break;
            case "HSET":
                k.kind = kind(k, "hash");
                for (int i = 2; i < args.length; i += 2) k.hash.put(s(args[i]), s(args[i + 1]));
                break;
            case "HPEXPIREAT": // key ms FIELDS 1 field
                k.fieldExpireAt.put(s(args[5]), Long.parseLong(s(args[2])));
                break;
            case "PEXPIREAT": k.expireAt = Long.parseLong(s(args[2])); break;
            case "XADD": {
                k.kind = kind(k, "stream");
                int i = 2;
                if (s(args[2]).equals("MAXLEN")) { // empty stream marker: XADD key MAXLEN 0 id _ _
                    k.streamMeta.add("trimmed-to " + s(args[4]));
                    break;
                }
                List<String> fv = new ArrayList<>();
                for (int j = i + 1; j < args.length; j++) fv.add(s(args[j]));
                k.stream.put(s(args[i]), fv);
                break;
            }
            case "XDEL": for (int i = 2; i < args.length; i++) k.stream.remove(s(args[i])); break;
            default: {
                StringBuilder sb = new StringBuilder(cmd);
                for (int i = 1; i < args.length; i++) sb.append(' ').append(s(args[i]));
                if (cmd.startsWith("X")) k.streamMeta.add(sb.toString());
                else throw new AssertionError("unexpected decoding-path command " + sb);
            }
        }
    }

    /** A score as ZADD reads it (strtod: inf, -inf, +inf). */
    static double score(String t) {
        switch (t.toLowerCase()) {
            case "inf": case "+inf": case "infinity": case "+infinity": return Double.POSITIVE_INFINITY;
            case "-inf": case "-infinity": return Double.NEGATIVE_INFINITY;
            default: return Double.parseDouble(t);
        }
    }

    private String kind(Key k, String kind) {
        if (strict && k.payload != null) throw new AssertionError("key both restored and decoded: " + k);
        if (strict && k.kind != null && !k.kind.equals(kind)) throw new AssertionError("key changes type " + k.kind + " -> " + kind);
        return kind;
    }

    @Override
    public void onFunction(byte[] code) {
        functions.add(s(code));
    }

    @Override
    public void onScript(byte[] body) {
        scripts.add(s(body));
    }

    @Override
    public void onEnd() {
        ended = true;
    }
}
