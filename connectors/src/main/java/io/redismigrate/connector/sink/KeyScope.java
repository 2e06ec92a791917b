package io.redismigrate.connector.sink;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of the target's keys the migration owns, for the sink's own deletes (a FLUSHALL/FLUSHDB replicated from
 * the source): keys in the target DBs the source's DBs in scope map to, passing the prefix filters, never the
 * tool's keys ({@code __redis_migrate:*}: fences, heartbeats). Keys outside stay, whatever the source flushed.
 */
public final class KeyScope implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final KeyScope ALL = new KeyScope(List.of(), List.of(), null, java.util.Set.of());
    private static final byte[] TOOL_PREFIX = "__redis_migrate:".getBytes(StandardCharsets.US_ASCII);

    private final List<byte[]> include;
    private final List<byte[]> exclude;
    private final java.util.Set<Integer> dbs;          // null: every target DB but excludedDbs
    private final java.util.Set<Integer> excludedDbs;

    /**
     * @param targetDbs the target DBs written (null: all of them but {@code excludedDbs}, which no source DB in
     *     scope maps to)
     */
    public KeyScope(List<String> includePrefixes, List<String> excludePrefixes, java.util.Set<Integer> targetDbs,
                    java.util.Set<Integer> excludedDbs) {
        this.include = bytes(includePrefixes);
        this.exclude = bytes(excludePrefixes);
        this.dbs = targetDbs == null ? null : java.util.Set.copyOf(targetDbs);
        this.excludedDbs = java.util.Set.copyOf(excludedDbs);
    }

    /** Every key of every target DB belongs to the migration: a flush of the source may flush the target as is. */
    public boolean unrestricted() {
        return include.isEmpty() && exclude.isEmpty() && dbs == null && excludedDbs.isEmpty();
    }

    public boolean ownsDb(int db) {
        return dbs != null ? dbs.contains(db) : !excludedDbs.contains(db);
    }

    public boolean owns(byte[] key) {
        if (startsWith(key, TOOL_PREFIX)) return false;
        if (!include.isEmpty()) {
            boolean any = false;
            for (byte[] p : include) any |= startsWith(key, p);
            if (!any) return false;
        }
        for (byte[] p : exclude) if (startsWith(key, p)) return false;
        return true;
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static List<byte[]> bytes(List<String> prefixes) {
        List<byte[]> out = new ArrayList<>();
        for (String p : prefixes) out.add(p.getBytes(StandardCharsets.UTF_8));
        return List.copyOf(out);
    }
}
