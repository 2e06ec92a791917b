package io.redismigrate.connector.resp;

import java.io.IOException;

/**
 * A node cannot be used: unreachable, password refused, permission missing. The message is one line for the
 * operator that names the node, the cause and the fix; it never contains a password.
 */
public class RedisAccessException extends IOException {
    private static final long serialVersionUID = 1L;

    public RedisAccessException(String message) {
        super(message);
    }

    public RedisAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
