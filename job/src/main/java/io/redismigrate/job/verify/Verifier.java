package io.redismigrate.job.verify;

import io.redismigrate.connector.event.Printable;
import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.resp.RespReader;
import io.redismigrate.connector.resp.RedisVersions;
import io.redismigrate.connector.resp.ServerInfo;
import io.redismigrate.job.Main;
import io.redismigrate.job.MigrationOptions;
import io.redismigrate.job.UsageException;

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
 * Compares the source with the target, DB by DB within the options' scope (--db, --db-map, prefixes; the tool's own
 * heartbeat and fence keys are ignored): every source key must exist on the target with the same type, value and TTL
 * (from 1 s below the source's TTL plus --ttl-extend to 1 s above it plus --ttl-extend and the --ttl-margin the
 * migration added), and the target must hold no other keys in scope; a target key the source no longer has whose
 * TTL is within that margin (plus --ttl-extend and 1 s) is counted apart, as expiring: the source's DEL of it is
 * still in flight. Function libraries ({@code FUNCTION LIST WITHCODE}, Redis ≥ 7.0 on both sides) must be the same. Either side may be a Redis Cluster
 * (see {@link Side}); a cluster has DB 0 only, so on a cluster target every source DB in scope must map to DB 0.
 *
 * <p>Values are compared with {@code DEBUG DIGEST-VALUE} when every node of both sides allows DEBUG and all run the
 * same major.minor version (the digest algorithm changed between 7.0 and 7.2); otherwise each side's value is read
 * and hashed in a canonical form (strings, lists, zsets and streams in order; sets and hashes sorted). Stream consumer groups
 * (name, last-delivered ID, pending count, consumers with their pending counts) are compared in both cases, since the
 * digest does not cover them.
 * Module types fall back to {@code DUMP} payload equality.
 */
public final class Verifier {
    public static final int MAX_EXAMPLES = 20;
    public static final long TTL_TOLERANCE_MS = 1000;

    /**
     * Per-key fences of a cluster target ({@code ClusterFences} in the connectors). The slot fences
     * ({@code __redis_migrate:fence:…}) are covered by {@link MigrationOptions#isToolKey}, these are not.
     */

    private static final int CHUNK = 1000;
    private static final int READ_TIMEOUT_MS = 120_000;

    private final MigrationOptions options;
    private boolean digest;

    public Verifier(MigrationOptions options) {
        this.options = options;
    }

    /** {@code verify} subcommand: summary and examples on {@code out}; exit 0 when equal, 1 when not. */
    public static int execute(MigrationOptions options, PrintStream out, PrintStream err) throws IOException, UsageException {
        VerifyResult r = new Verifier(options).verify();
        out.println(r.summary());
        long margin = options.ttlMarginApplied().toMillis();
        out.println("values compared with " + r.method() + "; TTLs within " + TTL_TOLERANCE_MS + " ms"
                + (margin == 0 ? "" : " (up to " + margin + " ms --ttl-margin longer on the target)"));
        out.println(r.functionsNote());
        for (String e : r.examples()) out.println("  " + e);
        if (r.equal()) return Main.EXIT_OK;
        long shown = r.examples().size();
        long total = r.missing() + r.different() + r.extra() + r.functionDifferences();
        err.println("redis-migrate: the target differs from the source (" + r.missing() + " missing, " + r.different()
                + " different, " + r.extra() + " extra"
                + (r.functionDifferences() == 0 ? "" : ", " + r.functionDifferences() + " function libraries")
                + (total > shown ? "; first " + shown + " shown" : "") + ")");
        return Main.EXIT_FAILURE;
    }

    public VerifyResult verify() throws IOException, UsageException {
        VerifyResult result = new VerifyResult();
        try (Side source = Side.open(options.source(), "source", READ_TIMEOUT_MS);
             Side target = Side.open(options.target(), "target", READ_TIMEOUT_MS)) {
            digest = digestUsable(source, target);
            result.method(digest ? "DEBUG DIGEST-VALUE" : "canonical value");

            Map<Integer, Long> srcKeys = source.keyCounts();
            if (target.cluster()) requireDb0(srcKeys);
            Map<Integer, Long> tgtKeys = target.keyCounts();

            for (int db : srcKeys.keySet()) {
                if (!options.dbInScope(db)) continue;
                result.dbChecked();
                source.select(db);
                target.select(options.targetDb(db));
                source.scan(this::compared, batch -> compare(db, batch, source, target, result));
            }

            // extra keys: target DBs that some in-scope source DB maps to
            Map<Integer, List<Integer>> sourcesOf = new TreeMap<>();
            TreeSet<Integer> srcDbs = new TreeSet<>(options.dbs());
            if (srcDbs.isEmpty()) {
                for (int d = 0, n = source.dbCount(); d < n; d++) srcDbs.add(d);
                srcDbs.addAll(srcKeys.keySet());
            }
            for (int d : srcDbs) sourcesOf.computeIfAbsent(options.targetDb(d), t -> new ArrayList<>()).add(d);
            for (int t : tgtKeys.keySet()) {
                List<Integer> sources = sourcesOf.get(t);
                if (sources == null) continue;
                target.select(t);
                target.scan(this::compared, batch -> findExtra(t, sources, batch, source, target, result));
            }
            Functions.compare(source, target, result);
        }
        return result;
    }

    /** A cluster target has DB 0 only: every source DB in scope that holds keys must map there (as for the migration). */
    private void requireDb0(Map<Integer, Long> srcKeys) throws UsageException {
        for (Map.Entry<Integer, Long> e : srcKeys.entrySet()) {
            int db = e.getKey();
            if (options.dbInScope(db) && options.targetDb(db) != 0) {
                throw new UsageException("the target is a Redis Cluster, which has only DB 0, but source db" + db + " holds "
                        + e.getValue() + " keys and maps to target db" + options.targetDb(db) + "; pass the --db-map (e.g. " + db
                        + ":0) or --db that the migration used");
            }
        }
    }

    /** Keys in scope that are not the tool's own (heartbeat, fences). */
    private boolean compared(byte[] key) {
        return options.keyInScope(key) && !options.isToolKey(key);
    }

    private void compare(int db, List<byte[]> keys, Side source, Side target, VerifyResult result) throws IOException {
        List<Object[]> src = source.inspect(keys, digest);
        List<Object[]> tgt = target.inspect(keys, digest);
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
                // the migration wrote source TTL + extend + margin (the margin only with a stream phase); the
                // margin shrinks as the key lives on, so any TTL between the two bounds is the source's
                long extend = options.ttlExtend().toMillis();
                long margin = options.ttlMarginApplied().toMillis();
                if (t < s + extend - TTL_TOLERANCE_MS || t > s + extend + margin + TTL_TOLERANCE_MS) {
                    result.different(where + ": TTL " + ttl(s) + " on the source"
                            + (extend == 0 ? "" : " (+" + extend + " ms --ttl-extend)")
                            + (margin == 0 ? "" : " (+ up to " + margin + " ms --ttl-margin)")
                            + ", " + ttl(t) + " on the target");
                    continue;
                }
            }
            boolean sameValue;
            if (digest && !isModuleType(srcType)) {
                sameValue = RespReader.text(flatten(src.get(i)[2])).equals(RespReader.text(flatten(tgt.get(i)[2])));
            } else {
                sameValue = Arrays.equals(canonical(source.nodeFor(key), key, srcType), canonical(target.nodeFor(key), key, tgtType));
            }
            if (sameValue && "stream".equals(srcType)) {
                sameValue = streamGroups(source.nodeFor(key), key).equals(streamGroups(target.nodeFor(key), key));
            }
            if (!sameValue) {
                result.different(where + ": " + srcType + " value differs");
            }
        }
    }

    private static String ttl(long pttl) {
        return pttl == -1 ? "none" : pttl + " ms";
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

    /**
     * Every node of both sides answers DEBUG DIGEST-VALUE, and all are the same server (Redis or Valkey) of the same
     * major.minor version (Valkey by its own version: every Valkey reports redis_version 7.2.4).
     */
    private static boolean digestUsable(Side source, Side target) throws IOException {
        List<RedisConnection> nodes = new ArrayList<>(source.nodes());
        nodes.addAll(target.nodes());
        String first = null;
        for (RedisConnection c : nodes) {
            ServerInfo s = ServerInfo.of(c.info("server"));
            int[] v = RedisVersions.parse(s.version());
            if (v == null) return false;
            String line = (s.valkey() ? "valkey-" : "redis-") + v[0] + "." + v[1];
            if (first != null && !first.equals(line)) return false;
            first = line;
        }
        byte[] probe = bytes("__redis_migrate:verify:probe");
        for (RedisConnection c : nodes) {
            if (c.call(bytes("DEBUG"), bytes("DIGEST-VALUE"), probe) instanceof RespError) return false;
        }
        return true;
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
                    List<?> items = Side.list(c, c.call(bytes("LRANGE"), key, num(start), num(start + CHUNK - 1)), "LRANGE");
                    for (Object o : items) add(md, o);
                    if (items.size() < CHUNK) break;
                }
                break;
            case "zset":
                for (long start = 0; ; start += CHUNK) {
                    List<?> items = Side.list(c, c.call(bytes("ZRANGE"), key, num(start), num(start + CHUNK - 1), bytes("WITHSCORES")), "ZRANGE");
                    for (int i = 0; i + 1 < items.size(); i += 2) {
                        add(md, items.get(i));
                        add(md, bytes(normalizeScore(RespReader.text(items.get(i + 1)))));
                    }
                    if (items.size() < 2 * CHUNK) break;
                }
                break;
            case "set": {
                List<byte[]> members = new ArrayList<>();
                for (Object o : Side.list(c, c.call(bytes("SMEMBERS"), key), "SMEMBERS")) members.add((byte[]) o);
                members.sort(Arrays::compareUnsigned);
                for (byte[] m : members) add(md, m);
                break;
            }
            case "hash": {
                List<?> flat = Side.list(c, c.call(bytes("HGETALL"), key), "HGETALL");
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
                    List<?> entries = Side.list(c, c.call(bytes("XRANGE"), key, start, bytes("+"), bytes("COUNT"), num(CHUNK)), "XRANGE");
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

    /**
     * Consumer groups of a stream: name, last-delivered ID, pending count and consumers (name and pending count:
     * a consumer without pending entries counts too), in name order.
     */
    private static String streamGroups(RedisConnection c, byte[] key) throws IOException {
        Object reply = c.call(bytes("XINFO"), bytes("GROUPS"), key);
        if (reply instanceof RespError) return "error";
        List<String> groups = new ArrayList<>();
        for (Object g : (List<?>) reply) {
            List<?> fields = (List<?>) g;
            Map<String, String> m = new TreeMap<>();
            Object name = null;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                m.put(RespReader.text(fields.get(i)), RespReader.text(fields.get(i + 1)));
                if ("name".equals(RespReader.text(fields.get(i)))) name = fields.get(i + 1);
            }
            groups.add(m.get("name") + "@" + m.get("last-delivered-id") + "/" + m.get("pending") + consumers(c, key, name));
        }
        groups.sort(null);
        return String.join(",", groups);
    }

    /** "[alice:3 bob:0]": a group's consumers with their pending counts, by name. */
    private static String consumers(RedisConnection c, byte[] key, Object group) throws IOException {
        if (!(group instanceof byte[])) return "";
        Object reply = c.call(bytes("XINFO"), bytes("CONSUMERS"), key, (byte[]) group);
        if (!(reply instanceof List)) return "[error]";
        List<String> out = new ArrayList<>();
        for (Object consumer : (List<?>) reply) {
            List<?> fields = (List<?>) consumer;
            String name = null;
            String pending = null;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                String f = RespReader.text(fields.get(i));
                if (f.equals("name")) name = RespReader.text(fields.get(i + 1));
                if (f.equals("pending")) pending = RespReader.text(fields.get(i + 1));
            }
            out.add(name + ":" + pending);
        }
        out.sort(null);
        return out.toString();
    }

    private void findExtra(int targetDb, List<Integer> sourceDbs, List<byte[]> keys, Side source, Side target,
                           VerifyResult result) throws IOException {
        boolean[] found = new boolean[keys.size()];
        for (int srcDb : sourceDbs) {
            if (!options.dbInScope(srcDb) || !source.hasDb(srcDb)) continue;
            source.select(srcDb);
            boolean[] exists = source.exists(keys);
            for (int i = 0; i < keys.size(); i++) found[i] |= exists[i];
        }
        List<byte[]> gone = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) if (!found[i]) gone.add(keys.get(i));
        if (gone.isEmpty()) return;
        // expired on the source, whose DEL has not reached the target yet: the target keeps it up to the margin
        long expiringWithin = options.ttlExtend().toMillis() + options.ttlMarginApplied().toMillis() + TTL_TOLERANCE_MS;
        List<Object[]> ttls = target.inspect(gone, false);
        for (int i = 0; i < gone.size(); i++) {
            String type = RespReader.text(ttls.get(i)[0]);
            long pttl = ttls.get(i)[1] instanceof Long ? (Long) ttls.get(i)[1] : -1;
            if ("none".equals(type)) continue; // gone from the target too meanwhile
            if (pttl >= 0 && pttl <= expiringWithin) {
                result.expiringKey();
                continue;
            }
            result.extra("target db" + targetDb + " \"" + Printable.bytes(gone.get(i)) + "\": not on the source");
        }
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
