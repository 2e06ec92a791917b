package io.redismigrate.connector.rdb;

import java.io.IOException;

/** The RDB cannot be read: corrupt, truncated, or using a version, type or opcode this parser does not support. */
public class RdbException extends IOException {
    private static final long serialVersionUID = 1L;

    public RdbException(String message) {
        super(message);
    }
}
