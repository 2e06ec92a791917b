package io.redismigrate.connector.rdb.internal;

import io.redismigrate.connector.rdb.RdbException;

/** Iterates the elements of a compact encoding (listpack, ziplist, intset, zipmap) as byte strings. */
public interface ElementIterator {
    boolean hasNext() throws RdbException;

    /** The next element; integer-encoded elements come back as their decimal text. */
    byte[] next() throws RdbException;
}
