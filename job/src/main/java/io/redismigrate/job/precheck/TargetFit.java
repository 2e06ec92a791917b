package io.redismigrate.job.precheck;

import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.connector.resp.RespError;
import io.redismigrate.connector.resp.ServerInfo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether the target's version can hold what the source has: function libraries (Redis 7.0+) and hash fields with
 * a TTL (Redis 7.4+, Valkey 9.0+). Data a target cannot represent fails here, before anything is written, rather
 * than stopping the job part-way (or, worse, arriving without its TTLs).
 */
final class TargetFit {
    private static final int TIMEOUT_MS = 10_000;

    private TargetFit() {}

    /**
     * @param source       a connection to the source node named by the options
     * @param readNodes    the nodes the job replicates from (a cluster's shards), or the source alone
     * @param cluster      whether the source is a cluster (then each of {@code readNodes} is asked)
     */
    static List<CheckResult> check(RedisConnection source, List<RedisEndpoint> readNodes, boolean cluster,
                                   ServerInfo src, ServerInfo tgt) throws IOException {
        List<CheckResult> rows = new ArrayList<>();
        rows.add(functions(source, src, tgt));
        rows.add(fieldTtls(source, readNodes, cluster, src, tgt));
        return rows;
    }

    private static CheckResult functions(RedisConnection source, ServerInfo src, ServerInfo tgt) throws IOException {
        String check = "source functions";
        if (!src.functions()) return CheckResult.ok(check, "none (" + src.display() + " has no functions)");
        Object reply = source.call("FUNCTION", "LIST");
        if (reply instanceof RespError) {
            return CheckResult.skip(check, "FUNCTION LIST refused (" + ((RespError) reply).code() + "); "
                    + (tgt.functions() ? "libraries are copied with the snapshot" : "the target " + tgt.display()
                    + " has no functions: a library on the source stops the job"));
        }
        int libraries = reply instanceof List ? ((List<?>) reply).size() : 0;
        if (libraries == 0) {
            return CheckResult.ok(check, "none" + (tgt.functions() ? "" : "; the target " + tgt.display()
                    + " has no functions: a FUNCTION LOAD on the source stops the job"));
        }
        if (!tgt.functions()) {
            return CheckResult.fail(check, libraries + " function librar" + (libraries == 1 ? "y" : "ies") + " on the source; the target "
                    + tgt.display() + " has no functions (Redis 7.0+): use a Redis 7.0+ or Valkey target, or delete them"
                    + " on the source (FUNCTION LIST, FUNCTION DELETE)");
        }
        return CheckResult.ok(check, libraries + " librar" + (libraries == 1 ? "y" : "ies") + ", copied with the snapshot");
    }

    private static CheckResult fieldTtls(RedisConnection source, List<RedisEndpoint> readNodes, boolean cluster,
                                         ServerInfo src, ServerInfo tgt) throws IOException {
        String check = "source hash-field TTLs";
        if (!src.hashFieldTtl()) return CheckResult.ok(check, "none (" + src.display() + " has no hash-field TTLs)");
        long keys = 0;
        if (cluster) {
            for (RedisEndpoint node : readNodes) {
                try (RedisConnection c = RedisConnection.open(node, "source", TIMEOUT_MS)) {
                    keys += subexpiry(c.info("keyspace"));
                }
            }
        } else {
            keys = subexpiry(source.info("keyspace"));
        }
        if (keys > 0 && !tgt.hashFieldTtl()) {
            return CheckResult.fail(check, keys + " hash" + (keys == 1 ? " has" : "es have") + " fields with a TTL (INFO keyspace"
                    + " subexpiry); the target " + tgt.display() + " cannot store field TTLs: use a Redis 7.4+ or Valkey 9.0+"
                    + " target, or remove them on the source (HPERSIST)");
        }
        if (!tgt.hashFieldTtl()) {
            return CheckResult.ok(check, "none; the target " + tgt.display() + " has no field TTLs: an HEXPIRE on the source"
                    + " stops the job");
        }
        return CheckResult.ok(check, keys == 0 ? "none" : keys + " hash" + (keys == 1 ? "" : "es") + " with field TTLs, copied as they are");
    }

    /** Sum of {@code subexpiry=} over the DB lines of INFO keyspace (keys with hash-field TTLs, Redis 7.4+). */
    static long subexpiry(Map<String, String> keyspace) {
        long n = 0;
        for (String line : keyspace.values()) {
            for (String part : line.split(",")) {
                if (part.startsWith("subexpiry=")) {
                    try {
                        n += Long.parseLong(part.substring(10).trim());
                    } catch (NumberFormatException ignored) {
                        // an unexpected value counts as none; the job still stops on a field TTL it cannot write
                    }
                }
            }
        }
        return n;
    }
}
