package io.redismigrate.job.pipeline;

import io.redismigrate.connector.event.SlotTags;
import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestCluster;
import io.redismigrate.job.MigrationOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Before a cluster source shard's new snapshot, the target loses the keys of that shard's slots that the migration
 * owns — on a cluster target and on a standalone one — and nothing else.
 */
class SlotCleanupTest {
    private static final String TOOL_KEY = "__redis_migrate:fence:{" + SlotTags.tag(100) + "}:slots-0-5460";

    private static MigrationOptions options(String target) throws Exception {
        return MigrationOptions.parse(new String[] {"run", "--source", "redis://127.0.0.1:1", "--target", target,
                "--include-prefix", "a:"});
    }

    @Test
    void clusterTargetLosesOnlyTheShardsOwnedKeys() throws Exception {
        try (TestCluster target = TestCluster.start(3)) {
            for (int i = 0; i < 300; i++) {
                for (String k : new String[] {"a:" + i, "b:" + i}) target.owner(TestCluster.slot(k)).sync().set(k, "v");
            }
            target.owner(100).sync().set(TOOL_KEY, "1");
            long removed = SlotCleanup.run(options(target.uri()), "0-5460", 0);
            long expected = 0;
            for (int i = 0; i < 300; i++) {
                String a = "a:" + i;
                boolean inShard = TestCluster.slot(a) <= 5460;
                if (inShard) expected++;
                assertEquals(inShard ? 0L : 1L, target.owner(TestCluster.slot(a)).sync().exists(a), a);
                String b = "b:" + i;
                assertEquals(1L, target.owner(TestCluster.slot(b)).sync().exists(b), b + " is outside the prefix filter");
            }
            assertEquals(expected, removed);
            assertEquals(1L, target.owner(100).sync().exists(TOOL_KEY), "the tool's keys stay");
        }
    }

    @Test
    void standaloneTargetLosesOnlyTheShardsOwnedKeys() throws Exception {
        try (RedisServer target = RedisServer.start()) {
            for (int i = 0; i < 300; i++) {
                target.sync().set("a:" + i, "v");
                target.sync().set("b:" + i, "v");
            }
            target.sync().set(TOOL_KEY, "1");
            SlotCleanup.run(options(target.uri()), "0-5460", 0);
            for (int i = 0; i < 300; i++) {
                String a = "a:" + i;
                assertEquals(TestCluster.slot(a) <= 5460 ? 0L : 1L, target.sync().exists(a), a);
                assertEquals(1L, target.sync().exists("b:" + i));
            }
            assertEquals(1L, target.sync().exists(TOOL_KEY));
        }
    }
}
