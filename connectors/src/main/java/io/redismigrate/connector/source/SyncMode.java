package io.redismigrate.connector.source;

/** What the source reads: the snapshot, the snapshot then the command stream, or only the stream. */
public enum SyncMode {
    FULL, FULL_INCREMENTAL, INCREMENTAL;

    public static SyncMode parse(String s) {
        switch (s) {
            case "full": return FULL;
            case "full+incremental": return FULL_INCREMENTAL;
            case "incremental": return INCREMENTAL;
            default: throw new IllegalArgumentException("--mode must be full, full+incremental or incremental (got '" + s + "')");
        }
    }
}
