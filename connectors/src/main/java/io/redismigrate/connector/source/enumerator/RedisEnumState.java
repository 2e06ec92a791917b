package io.redismigrate.connector.source.enumerator;

import io.redismigrate.connector.source.split.RedisSplit;

import java.util.List;

/** Enumerator checkpoint: splits not yet handed to a reader (assigned ones live in the readers' state). */
public record RedisEnumState(List<RedisSplit> unassigned) {
    public RedisEnumState {
        unassigned = List.copyOf(unassigned);
    }
}
