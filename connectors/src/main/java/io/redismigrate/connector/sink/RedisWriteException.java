package io.redismigrate.connector.sink;

import java.io.IOException;

/**
 * The destination rejected a write. The message is one line naming the target, the command, the key, the DB and
 * the Redis error, plus the fix when one is known.
 */
public class RedisWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String redisError;

    public RedisWriteException(String message, String redisError) {
        super(message);
        this.redisError = redisError;
    }

    /** The error reply as Redis sent it ("OOM command not allowed …"). */
    public String redisError() { return redisError; }
}
