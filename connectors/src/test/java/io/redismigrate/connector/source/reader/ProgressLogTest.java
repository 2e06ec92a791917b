package io.redismigrate.connector.source.reader;

import io.redismigrate.connector.progress.Progress;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProgressLogTest {
    @Test
    void snapshotAndStreamLines() {
        Progress.all().remove("h:1");
        Progress.SplitProgress p = Progress.of("h:1");
        p.phase = "snapshot";
        p.snapshotStartMs = 10_000;
        p.snapshotKeys = 250;
        p.snapshotKeysTotal = 1000;
        p.snapshotBytes = 5000;
        assertEquals("h:1: snapshot 25.0%, 250/1000 keys, 5000 bytes, ETA 30 s", ProgressLog.line(p, 20_000));
        p.phase = "stream";
        p.readOffset = 900;
        p.sourceOffset = 950;
        p.durable("r", 800);
        p.streamCommands = 12;
        assertEquals("h:1: stream, read offset 900, source offset 950, checkpointed offset 800, 12 commands",
                ProgressLog.line(p, 20_000));
    }
}
