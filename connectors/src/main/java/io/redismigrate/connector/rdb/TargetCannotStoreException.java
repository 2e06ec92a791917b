package io.redismigrate.connector.rdb;

import org.apache.flink.runtime.throwable.ThrowableAnnotation;
import org.apache.flink.runtime.throwable.ThrowableType;

/**
 * A value or command the destination's version cannot represent (hash-field TTLs into a server without them, a
 * command it lacks with no exact equivalent). Nothing of it was written; a restart would meet it again, so Flink does
 * not restart the job and the embedded runner does not retry.
 */
@ThrowableAnnotation(ThrowableType.NonRecoverableError)
public class TargetCannotStoreException extends RdbException {
    private static final long serialVersionUID = 1L;

    public TargetCannotStoreException(String message) {
        super(message);
    }
}
