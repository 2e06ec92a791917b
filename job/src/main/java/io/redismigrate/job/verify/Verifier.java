package io.redismigrate.job.verify;

import io.redismigrate.connector.event.Printable;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.resp.RespProtocolException;
import io.redismigrate.connector.resp.RespReader;
import io.redismigrate.connector.resp.RedisVersions;
import io.redismigrate.job.Keyspace;
import io.redismigrate.job.Main;
import io.redismigrate.job.MigrationOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares the source with the target, DB by DB within the options' scope (--db, --db-map, prefixes; heartbeat keys
 * are ignored): every source key must exist on the target with the same type, value and TTL (±1 s, after
 * --ttl-extend), and the target must hold no other keys in scope.
 *
 * <p>Values are compared with {@code DEBUG DIGEST-VALUE} when both servers allow DEBUG and run the same major.minor
 * version (the digest algorithm changed between 7.0 and 7.2); otherwise each side's value is read and hashed in a
 * canonical form (strings, lists, zsets and streams in order; sets and hashes sorted). Stream consumer groups
 * (name, last-delivered ID, pending count) are compared in both cases, since the digest does not cover them.
 * Module types fall back to {@code DUMP} payload equality.
 */
public final class Verifier {
    public static final int MAX_EXAMPLES = 20;
    public static final long TTL_TOLERANCE_MS = 1000;

    private static final int SCAN_COUNT = 500;
    private static final int CHUNK = 1000;
    private static final int READ_TIMEOUT_MS = 120_000;

    private final MigrationOptions options;
    private boolean digest;

    public Verifier(MigrationOptions options) {
        this.options = options;
    }

    /** {@code verify} subcommand: summary and examples on {@code out}; exit 0 when equal, 1 when not. */
    public static int execute(MigrationOptions options, PrintStream out, PrintStream err) throws IOException {
        VerifyResult r = new Verifier(options).verify();
        out.println(r.summary());
        out.println("values compared with " + r.method() + "; TTLs within " + TTL_TOLERANCE_MS + " ms");
        for (String e : r.examples()) out.println("  " + e);
        if (r.equal()) return Main.EXIT_OK;
        long shown = r.examples().size();
        long total = r.missing() + r.different() + r.extra();
        err.println("redis-migrate: the target differs from the source (" + r.missing() + " missing, " + r.different()
                + " different, " + r.extra() + " extra" + (total > shown ? "; first " + shown + " shown" : "") + ")");
        return Main.EXIT_FAILURE;
    }

    public VerifyResult verify() throws IOException {
        VerifyResult result = new VerifyResult();
        try (RedisConnection source = RedisConnection.open(options.source(), "source", RedisConnection.DEFAULT_CONNECT_TIMEOUT_MS);
             RedisConnection target = RedisConnection.open(options.target(), "target", RedisConnection.DEFAULT_CONNECT_TIMEOUT_MS)) {
            source.setReadTimeout(READ_TIMEOUT_MS);
            target.setReadTimeout(READ_TIMEOUT_MS);
            digest = digestUsable(source, target);
            result.method(digest ? "DEBUG DIGEST-VALUE" : "canonical value");

            Map<Integer, Long> srcKeys = Keyspace.keyCounts(source);
            Map<Integer, Long> tgtKeys = Keyspace.keyCounts(target);
            int srcDatabases = Keyspace.databases(source);

            for (int db : srcKeys.keySet()) {
                if (!options.dbInScope(db)) continue;
                result.dbChecked();
                select(source, db);
                select(target, options.targetDb(db));
                scan(source, batch -> compare(db, batch, source, target, result));
            }

            // extra keys: target DBs that some in-scope source DB maps to
            Map<Integer, List<Integer>> sourcesOf = new TreeMap<>();
            TreeSet<Integer> srcDbs = new TreeSet<>(options.dbs());
            if (srcDbs.isEmpty()) {
                for (int d = 0; d < Math.max(srcDatabases, 16); d++) srcDbs.add(d);
                srcDbs.addAll(srcKeys.keySet());
            }
            for (int d : srcDbs) sourcesOf.computeIfAbsent(options.targetDb(d), t -> new ArrayList<>()).add(d);
            for (int t : tgtKeys.keySet()) {
                List<Integer> sources = sourcesOf.get(t);
                if (sources == null) continue;
                select(target, t);
                scan(target, batch -> findExtra(t, sources, batch, source, result));
            }
        }
        return result;
    }

    private interface BatchHandler {
        void handle(List<byte[]> keys) throws IOException;
    }

    /** SCANs the selected DB of {@code c}, handing the in-scope keys to {@code handler} batch by batch. */
    private void scan(RedisConnection c, BatchHandler handler) throws IOException {
        byte[] cursor = "0".getBytes(StandardCharsets.US_ASCII);
        do {
            List<?> reply = list(c, c.call(bytes("SCAN"), cursor, bytes("COUNT"), bytes(String.valueOf(SCAN_COUNT))), "SCAN");
            cursor = (byte[]) reply.get(0);
            List<byte[]> keys = new ArrayList<>();
            for (Object k : (List<?>) reply.get(1)) {
                byte[] key = (byte[]) k;
                if (options.keyInScope(key) && !options.isHeartbeatKey(key)) keys.add(key);
            }
            if (!keys.isEmpty()) handler.handle(keys);
        } while (!(cursor.length == 1 && cursor[0] == '0'));
    }

    private void compare(int db, List<byte[]> keys, RedisConnection source, RedisConnection target, VerifyResult result)
            throws IOException {
        List<Object[]> src = pipelineInspect(source, keys);
        List<Object[]> tgt = pipelineInspect(target, keys);
        for (int i = 0; i < keys.size(); i++) {
            byte[] key = keys.get(i);
            String srcType = RespReader.text(src.get(i)[0]);
            if ("none".equals(srcType)) continue; // expired or deleted on the source during the scan
            result.keyChecked();
            String where = "db" + db + " \"" + Printable.bytes(key) + "\"";
            String tgtType = RespReader.text(tgt.get(i)[0]);
            if ("none".equals(tgtType)) {
                result.missing(where + ": missing on the target");
                continue;
            }
            if (!srcType.equals(tgtType)) {
                result.different(where + ": type " + srcType + " on the source, " + tgtType + " on the target");
                continue;
            }
            long s = (Long) src.get(i)[1];
            long t = (Long) tgt.get(i)[1];
            if (s == -2 || t == -2) continue; // expired between the reads
            if ((s == -1) != (t == -1)) {
                result.different(where + ": TTL " + ttl(s) + " on the source, " + ttl(t) + " on the target");
                continue;
            }
            if (s >= 0) {
                long expected = s + options.ttlExtend().toMillis();
                if (Math.abs(t - expected) > TTL_TOLERANCE_MS) {
                    result.different(where + ": TTL " + ttl(s) + " on the source"
                            + (options.ttlExtend().isZero() ? "" : " (+" + options.ttlExtend().toMillis() + " ms --ttl-extend)")
                            + ", " + ttl(t) + " on the target");
                    continue;
                }
            }
            boolean sameValue;
            if (digest && !isModuleType(srcType)) {
                sameValue = RespReader.text(flatten(src.get(i)[2])).equals(RespReader.text(flatten(tgt.get(i)[2])));
            } else {
                sameValue = Arrays.equals(canonical(source, key, srcType), canonical(target, key, tgtType));
            }
            if (sameValue && "stream".equals(srcType)) {
                sameValue = streamGroups(source, key).equals(streamGroups(target, key));
            }
            if (!sameValue) {
                result.different(where + ": " + srcType + " value differs");
            }
        }
    }

    private static String ttl(long pttl) {
        return pttl == -1 ? "none" : pttl + " ms";
    }

    /** TYPE, PTTL (and DEBUG DIGEST-VALUE) of every key, pipelined. */
    private List<Object[]> pipelineInspect(RedisConnection c, List<byte[]> keys) throws IOException {
        int per = digest ? 3 : 2;
        for (byte[] key : keys) {
            c.writer().command(bytes("TYPE"), key);
            c.writer().command(bytes("PTTL"), key);
            if (digest) c.writer().command(bytes("DEBUG"), bytes("DIGEST-VALUE"), key);
        }
        c.writer().flush();
        List<Object[]> out = new ArrayList<>(keys.size());
        IOException error = null;
        for (int i = 0; i < keys.size(); i++) {
            Object[] r = new Object[per];
            for (int j = 0; j < per; j++) {
                r[j] = c.reader().read();
                if (r[j] instanceof RespError && error == null) {
                    error = new IOException(c.role() + " " + c.endpoint() + " refused a command during verify: " + r[j]);
                }
            }
            out.add(r);
        }
        if (error != null) throw error;
        return out;
    }

    private static Object flatten(Object reply) {
        if (reply instanceof List && ((List<?>) reply).size() == 1) return ((List<?>) reply).get(0);
        return reply;
    }

    private static boolean isModuleType(String type) {
        switch (type) {
            case "string": case "list": case "set": case "zset": case "hash": case "stream":
                return false;
            default:
                return true;
        }
    }

    /** Both sides answer DEBUG DIGEST-VALUE and run the same major.minor version. */
    private static boolean digestUsable(RedisConnection source, RedisConnection target) throws IOException {
        String sv = source.info("server").get("redis_version");
        String tv = target.info("server").get("redis_version");
        int[] s = RedisVersions.parse(sv);
        int[] t = RedisVersions.parse(tv);
        if (s == null || t == null || s[0] != t[0] || s[1] != t[1]) return false;
        byte[] probe = bytes("__redis_migrate:verify:probe");
        return !(source.call(bytes("DEBUG"), bytes("DIGEST-VALUE"), probe) instanceof RespError)
                && !(target.call(bytes("DEBUG"), bytes("DIGEST-VALUE"), probe) instanceof RespError);
    }

    /** A SHA-256 over the value in a canonical form that does not depend on the server version or encoding. */
    private static byte[] canonical(RedisConnection c, byte[] key, String type) throws IOException {
        MessageDigest md = sha256();
        switch (type) {
            case "string":
                add(md, c.call(bytes("GET"), key));
                break;
            case "list":
                for (long start = 0; ; start += CHUNK) {
                    List<?> items = list(c, c.call(bytes("LRANGE"), key, num(start), num(start + CHUNK - 1)), "LRANGE");
                    for (Object o : items) add(md, o);
                    if (items.size() < CHUNK) break;
                }
                break;
            case "zset":
                for (long start = 0; ; start += CHUNK) {
                    List<?> items = list(c, c.call(bytes("ZRANGE"), key, num(start), num(start + CHUNK - 1), bytes("WITHSCORES")), "ZRANGE");
                    for (int i = 0; i + 1 < items.size(); i += 2) {
                        add(md, items.get(i));
                        add(md, bytes(normalizeScore(RespReader.text(items.get(i + 1)))));
                    }
                    if (items.size() < 2 * CHUNK) break;
                }
                break;
            case "set": {
                List<byte[]> members = new ArrayList<>();
                for (Object o : list(c, c.call(bytes("SMEMBERS"), key), "SMEMBERS")) members.add((byte[]) o);
                members.sort(Arrays::compareUnsigned);
                for (byte[] m : members) add(md, m);
                break;
            }
            case "hash": {
                List<?> flat = list(c, c.call(bytes("HGETALL"), key), "HGETALL");
                List<byte[][]> pairs = new ArrayList<>();
                for (int i = 0; i + 1 < flat.size(); i += 2) pairs.add(new byte[][] {(byte[]) flat.get(i), (byte[]) flat.get(i + 1)});
                pairs.sort(Comparator.comparing((byte[][] p) -> p[0], Arrays::compareUnsigned));
                for (byte[][] p : pairs) {
                    add(md, p[0]);
                    add(md, p[1]);
                }
                break;
            }
            case "stream": {
                byte[] start = bytes("-");
                while (true) {
                    List<?> entries = list(c, c.call(bytes("XRANGE"), key, start, bytes("+"), bytes("COUNT"), num(CHUNK)), "XRANGE");
                    byte[] last = null;
                    for (Object e : entries) {
                        List<?> entry = (List<?>) e;
                        last = (byte[]) entry.get(0);
                        add(md, last);
                        for (Object f : (List<?>) entry.get(1)) add(md, f);
                    }
                    if (entries.size() < CHUNK) break;
                    start = next(last);
                }
                break;
            }
            default:
                add(md, c.call(bytes("DUMP"), key));
        }
        return md.digest();
    }

    /** The stream ID right after {@code id} ("5-3" → "5-4"), so XRANGE works on every version that has streams. */
    private static byte[] next(byte[] id) {
        String s = new String(id, StandardCharsets.US_ASCII);
        int dash = s.indexOf('-');
        long ms = Long.parseLong(s.substring(0, dash));
        long seq = Long.parseUnsignedLong(s.substring(dash + 1));
        if (seq == -1L) return bytes((ms + 1) + "-0");
        return bytes(ms + "-" + Long.toUnsignedString(seq + 1));
    }

    /** Scores as doubles, so "1" and "1.0" or different exponent notations compare equal. */
    private static String normalizeScore(String s) {
        try {
            return Double.toString(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return s.toLowerCase(java.util.Locale.ROOT); // inf, -inf
        }
    }

    /** Consumer groups of a stream: name, last-delivered ID and pending count, in name order. */
    private static String streamGroups(RedisConnection c, byte[] key) throws IOException {
        Object reply = c.call(bytes("XINFO"), bytes("GROUPS"), key);
        if (reply instanceof RespError) return "error";
        List<String> groups = new ArrayList<>();
        for (Object g : (List<?>) reply) {
            List<?> fields = (List<?>) g;
            Map<String, String> m = new TreeMap<>();
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                m.put(RespReader.text(fields.get(i)), RespReader.text(fields.get(i + 1)));
            }
            groups.add(m.get("name") + "@" + m.get("last-delivered-id") + "/" + m.get("pending"));
        }
        groups.sort(null);
        return String.join(",", groups);
    }

    private void findExtra(int targetDb, List<Integer> sourceDbs, List<byte[]> keys, RedisConnection source,
                           VerifyResult result) throws IOException {
        boolean[] found = new boolean[keys.size()];
        for (int srcDb : sourceDbs) {
            if (!options.dbInScope(srcDb)) continue;
            select(source, srcDb);
            for (byte[] key : keys) source.writer().command(bytes("EXISTS"), key);
            source.writer().flush();
            for (int i = 0; i < keys.size(); i++) {
                Object r = source.reader().read();
                if (r instanceof Long && (Long) r > 0) found[i] = true;
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            if (!found[i]) result.extra("target db" + targetDb + " \"" + Printable.bytes(keys.get(i)) + "\": not on the source");
        }
    }

    private static void select(RedisConnection c, int db) throws IOException {
        Object r = c.call("SELECT", String.valueOf(db));
        if (r instanceof RespError) {
            throw new IOException(c.role() + " " + c.endpoint() + " refused SELECT " + db + ": " + r);
        }
    }

    private static List<?> list(RedisConnection c, Object reply, String command) throws IOException {
        if (reply instanceof RespError) {
            throw new IOException(c.role() + " " + c.endpoint() + " refused " + command + ": " + reply);
        }
        if (!(reply instanceof List)) {
            throw new RespProtocolException(command + " returned " + reply + " instead of an array");
        }
        return (List<?>) reply;
    }

    private static void add(MessageDigest md, Object part) {
        byte[] b = part == null ? NULL : part instanceof byte[] ? (byte[]) part : bytes(String.valueOf(part));
        md.update(bytes(b.length + ":"));
        md.update(b);
    }

    private static final byte[] NULL = bytes("(nil)");

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] num(long n) {
        return bytes(Long.toString(n));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
