package io.redismigrate.job.pipeline;

import org.apache.flink.runtime.throwable.ThrowableAnnotation;
import org.apache.flink.runtime.throwable.ThrowableType;

import java.io.IOException;

/**
 * A split must be snapshotted again (the source answered a resume with a full resync, or a snapshot was
 * interrupted), which empties the target DBs in scope first, but with {@code --conflict overwrite} those may hold
 * keys the migration does not own: the job stops instead of destroying them or leaving keys the source deleted.
 * Not recoverable by a restart.
 */
@ThrowableAnnotation(ThrowableType.NonRecoverableError)
public class ResyncNeedsCleanupException extends IOException {
    private static final long serialVersionUID = 1L;

    public ResyncNeedsCleanupException(String message) {
        super(message);
    }
}
