package io.redismigrate.connector.event;

/** A key in a DB of the source and the target DB it is written to (the unit of a refresh). */
public record KeyRef(int sourceDb, int targetDb, byte[] key) {
    @Override
    public boolean equals(Object o) {
        return o instanceof KeyRef k && k.sourceDb == sourceDb && k.targetDb == targetDb && java.util.Arrays.equals(k.key, key);
    }

    @Override
    public int hashCode() {
        return (sourceDb * 31 + targetDb) * 31 + java.util.Arrays.hashCode(key);
    }

    /** The key as printable text with its DBs, for messages. */
    public String printable() {
        return toString();
    }

    @Override
    public String toString() {
        return "'" + Printable.bytes(key) + "' (source db " + sourceDb + ", target db " + targetDb + ")";
    }
}
