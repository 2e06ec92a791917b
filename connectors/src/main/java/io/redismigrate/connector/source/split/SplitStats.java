package io.redismigrate.connector.source.split;

/**
 * What a split has done so far, kept in its checkpointed state so the metrics continue across a resume: the
 * size of its last snapshot (keys and RDB bytes) and the replication-stream commands emitted since. Display only:
 * nothing decides on these.
 */
public record SplitStats(long snapshotKeys, long snapshotBytes, long streamCommands) {
    public static final SplitStats NONE = new SplitStats(0, 0, 0);
}
