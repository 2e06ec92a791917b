package io.redismigrate.job.precheck;

import io.redismigrate.connector.testutils.RedisServer;
import io.redismigrate.connector.testutils.TestCluster;
import io.redismigrate.job.MainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** precheck with a Redis Cluster target: passes for DB 0; other source DBs need --db or --db-map. */
class PrecheckClusterTargetTest {
    private static Duration defaultSample;

    @BeforeAll
    static void shortSample() {
        defaultSample = ResumeWindow.sampleInterval;
        ResumeWindow.sampleInterval = Duration.ofMillis(200);
    }

    @AfterAll
    static void restoreSample() {
        ResumeWindow.sampleInterval = defaultSample;
    }

    @Test
    void clusterTargetPassesAndOtherDbsNeedAMapping() throws Exception {
        try (RedisServer source = RedisServer.start(); TestCluster cluster = TestCluster.start(3)) {
            source.sync().set("a", "1");
            MainTest.Run ok = MainTest.run("precheck", "--source", source.uri(), "--target", cluster.uri());
            assertEquals(0, ok.code(), ok.out() + ok.err());
            assertTrue(ok.out().contains("Redis Cluster"), ok.out());
            assertTrue(ok.out().matches("(?s).*target persistence +\\| WARN   \\| every master \\(3\\): none \\(appendonly no.*"), ok.out());

            source.sync().select(3);
            source.sync().set("b", "2");
            source.sync().select(0);
            MainTest.Run fail = MainTest.run("precheck", "--source", source.uri(), "--target", cluster.uri());
            assertEquals(3, fail.code(), fail.out() + fail.err());
            assertTrue(fail.err().contains("the target is a Redis Cluster, which has only DB 0, but source db3 holds 1 keys;"
                    + " map it with --db-map 3:0 or leave it out with --db 0"), fail.err());
            assertEquals(1, fail.err().trim().split("\n").length, fail.err());

            MainTest.Run mapped = MainTest.run("precheck", "--source", source.uri(), "--target", cluster.uri(), "--db-map", "3:0");
            assertEquals(0, mapped.code(), mapped.out() + mapped.err());
            MainTest.Run only0 = MainTest.run("precheck", "--source", source.uri(), "--target", cluster.uri(), "--db", "0");
            assertEquals(0, only0.code(), only0.out() + only0.err());

            // a non-empty cluster counts the keys of every master, not only the node given
            String other = "k0";
            for (int i = 0; cluster.owner(TestCluster.slot(other)) == cluster.masters().get(0); i++) other = "k" + i;
            cluster.owner(TestCluster.slot(other)).sync().set(other, "1");
            MainTest.Run busy = MainTest.run("precheck", "--source", source.uri(), "--target", cluster.uri(), "--db", "0");
            assertEquals(3, busy.code(), busy.out() + busy.err());
            assertTrue(busy.err().contains("target db0 holds 1 keys"), busy.err());
        }
    }
}
