package io.redismigrate.job.pipeline;

import io.redismigrate.connector.sink.KeyScope;
import io.redismigrate.job.MigrationOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a replicated FLUSHALL may delete on the target, from the options. */
class MigrationPipelineKeyScopeTest {
    private static KeyScope scope(String... extra) throws Exception {
        String[] args = new String[5 + extra.length];
        args[0] = "run";
        args[1] = "--source";
        args[2] = "redis://127.0.0.1:1";
        args[3] = "--target";
        args[4] = "redis://127.0.0.1:2";
        System.arraycopy(extra, 0, args, 5, extra.length);
        return MigrationPipeline.keyScope(MigrationOptions.parse(args));
    }

    @Test
    void noRestrictionOwnsTheWholeTarget() throws Exception {
        assertTrue(scope().unrestricted());
    }

    @Test
    void dbListOwnsTheDbsItMapsTo() throws Exception {
        KeyScope s = scope("--db", "0,3", "--db-map", "3:7");
        assertTrue(s.ownsDb(0));
        assertTrue(s.ownsDb(7));
        assertFalse(s.ownsDb(3));
        assertFalse(s.ownsDb(1));
    }

    @Test
    void dbMapAloneOwnsEveryDbButThoseMappedAwayAndNotFilled() throws Exception {
        KeyScope s = scope("--db-map", "3:9");
        assertFalse(s.unrestricted());
        assertTrue(s.ownsDb(0));
        assertTrue(s.ownsDb(9));
        assertFalse(s.ownsDb(3), "nothing is written to target DB 3");
    }

    @Test
    void prefixesRestrictTheKeys() throws Exception {
        KeyScope s = scope("--include-prefix", "a:");
        assertFalse(s.unrestricted());
        assertTrue(s.owns("a:1".getBytes()));
        assertFalse(s.owns("b:1".getBytes()));
    }
}
