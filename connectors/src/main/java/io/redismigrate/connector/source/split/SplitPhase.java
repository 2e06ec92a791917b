package io.redismigrate.connector.source.split;

/** Where a split is: no snapshot yet (a restore redoes it), or following the command stream. */
public enum SplitPhase { SNAPSHOT, STREAM }
