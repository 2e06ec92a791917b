package io.redismigrate.job.precheck;

import io.redismigrate.connector.resp.RedisConnection;
import io.redismigrate.connector.resp.RedisEndpoint;
import io.redismigrate.job.ClusterTopology;
import io.redismigrate.job.Keyspace;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a restart of the target would lose: AOF, RDB snapshots only, or nothing kept at all. */
final class TargetPersistence {
    static final String CHECK = "target persistence";

    /** What the job does about a target that lost acknowledged writes; the one place this is worded. */
    static final String ON_LOST_WRITES = "the job detects a target that lost writes on its next (re)start and stops";

    private TargetPersistence() {}

    /** One row for a standalone target; for a cluster one per master, or one for all when they agree. */
    static List<CheckResult> check(RedisConnection target, boolean cluster, boolean stream) throws IOException {
        if (!cluster) return List.of(row(target, stream));
        List<CheckResult> rows = new ArrayList<>();
        List<CheckResult> prefixed = new ArrayList<>();
        for (RedisEndpoint e : ClusterTopology.nodes(target)) {
            try (RedisConnection c = RedisConnection.open(e, "target", RedisConnection.DEFAULT_CONNECT_TIMEOUT_MS)) {
                if (!"master".equals(c.info("replication").get("role"))) continue;
                CheckResult r = row(c, stream);
                rows.add(r);
                prefixed.add(Precheck.prefixed(e, r));
            }
        }
        if (rows.stream().map(CheckResult::toString).distinct().count() != 1) return prefixed;
        CheckResult r = rows.get(0);
        return List.of(new CheckResult(CHECK, r.status(), "every master (" + rows.size() + "): " + r.detail()));
    }

    private static CheckResult row(RedisConnection c, boolean stream) throws IOException {
        String appendonly = Keyspace.config(c, "appendonly");
        String save = Keyspace.config(c, "save");
        if (appendonly == null || save == null) return fromInfo(c);
        if ("yes".equals(appendonly)) {
            String fsync = String.valueOf(Keyspace.config(c, "appendfsync"));
            return CheckResult.info(CHECK, "AOF on (appendfsync " + fsync + "): a target restart loses " + aofLoss(fsync));
        }
        if (!save.isBlank()) {
            return CheckResult.info(CHECK, "RDB snapshots only (save " + save + "): a target restart loses the writes since the last save");
        }
        String none = "none (appendonly no, save \"\"): a target restart loses everything";
        if (!stream) return CheckResult.info(CHECK, none);
        return CheckResult.warn(CHECK, none + "; " + ON_LOST_WRITES + "; turn on AOF with CONFIG SET appendonly yes on the"
                + " target, and appendonly yes in its redis.conf");
    }

    private static String aofLoss(String fsync) {
        switch (fsync) {
            case "always": return "no acknowledged write";
            case "everysec": return "at most ~1 s of writes";
            case "no": return "the writes the OS had not flushed yet (up to ~30 s on Linux)";
            default: return "what appendfsync " + fsync + " allows";
        }
    }

    /** CONFIG GET refused: INFO persistence tells whether AOF is on, not whether save rules exist. */
    private static CheckResult fromInfo(RedisConnection c) throws IOException {
        Map<String, String> p = c.info("persistence");
        String from = " (INFO persistence; CONFIG GET refused)";
        if ("1".equals(p.get("aof_enabled"))) {
            return CheckResult.info(CHECK, "AOF on" + from + ": a target restart loses at most what its appendfsync allows");
        }
        return CheckResult.info(CHECK, "AOF off, RDB save rules unknown" + from + ", "
                + p.getOrDefault("rdb_changes_since_last_save", "?") + " changes since the last save: a target restart"
                + " loses at least those, everything if no save rules are set");
    }
}
