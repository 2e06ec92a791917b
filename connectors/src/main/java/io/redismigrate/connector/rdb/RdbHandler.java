package io.redismigrate.connector.rdb;

import java.io.IOException;

/** Receives what {@link RdbParser} reads, in file order. Keys and values are raw bytes. */
public interface RdbHandler {

    default void onHeader(int rdbVersion) throws IOException {}

    default void onAux(byte[] key, byte[] value) throws IOException {}

    /**
     * A key on the fast path: {@code payload} is a complete DUMP/RESTORE payload (type byte, value bytes as
     * stored, RDB version, CRC64). {@code expireAtMs} is 0 for no TTL. {@code moduleType} names the module
     * type of a module value, else null.
     */
    void onRestore(int db, byte[] key, long expireAtMs, byte[] payload, String moduleType) throws IOException;

    /**
     * One command of a key written on the decoding path (a key yields several, in order); {@code keyStart} is true
     * for the first command of each key.
     */
    void onCommand(int db, byte[] key, byte[][] args, boolean keyStart) throws IOException;

    /** A function library (its source, as FUNCTION LOAD takes it) or, for {@code lua} aux fields, a script. */
    default void onFunction(byte[] code) throws IOException {}

    /** A Lua script stored in the RDB by Redis &lt; 7 (aux field {@code lua}); SCRIPT LOAD it. */
    default void onScript(byte[] body) throws IOException {}

    default void onEnd() throws IOException {}
}
