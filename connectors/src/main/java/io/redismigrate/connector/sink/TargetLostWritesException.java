package io.redismigrate.connector.sink;

import org.apache.flink.runtime.throwable.ThrowableAnnotation;
import org.apache.flink.runtime.throwable.ThrowableType;

import java.io.IOException;

/**
 * The target no longer holds what the restored checkpoint says was written ({@link AppliedFences}). Not
 * recoverable by a restart (Flink does not restart the job), and not by a retry of the embedded runner.
 */
@ThrowableAnnotation(ThrowableType.NonRecoverableError)
public class TargetLostWritesException extends IOException {
    private static final long serialVersionUID = 1L;

    public TargetLostWritesException(String message) {
        super(message);
    }
}
