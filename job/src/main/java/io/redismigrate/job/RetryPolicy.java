package io.redismigrate.job;

import io.redismigrate.connector.rdb.RdbException;
import io.redismigrate.connector.sink.RedisWriteException;
import io.redismigrate.connector.sink.TargetLostWritesException;
import io.redismigrate.job.pipeline.ResyncNeedsCleanupException;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * The retry windows: a failure caused by a lost connection (source or target) is retried with exponential backoff
 * until {@code --retry-connect} has passed since the first failure of a streak; other transient failures until
 * {@code --retry-other}. Failures that cannot heal by waiting (a corrupt snapshot, a value the target rejects) are
 * not retried. A run that lasted a minute ends the streak.
 */
final class RetryPolicy {
    enum Kind { CONNECTION, OTHER, FATAL }

    private static final long STREAK_RESET_MS = 60_000;
    private final Duration connectWindow;
    private final Duration otherWindow;
    private long streakStart = -1;
    private long backoffMs = 1000;

    RetryPolicy(Duration connectWindow, Duration otherWindow) {
        this.connectWindow = connectWindow;
        this.otherWindow = otherWindow;
    }

    /** How long to wait before retrying, or null to give up. */
    Duration onFailure(Throwable failure, long attemptMillis) {
        long now = System.currentTimeMillis();
        if (streakStart < 0 || attemptMillis > STREAK_RESET_MS) {
            streakStart = now;
            backoffMs = 1000;
        }
        Kind kind = classify(failure);
        Duration window = kind == Kind.CONNECTION ? connectWindow : kind == Kind.OTHER ? otherWindow : Duration.ZERO;
        long left = streakStart + window.toMillis() - now;
        if (left <= 0) return null;
        long wait = Math.min(backoffMs, left);
        backoffMs = Math.min(backoffMs * 2, 30_000);
        return Duration.ofMillis(wait);
    }

    static Kind classify(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RdbException || c instanceof io.redismigrate.job.pipeline.ScopeException
                    || c instanceof TargetLostWritesException || c instanceof ResyncNeedsCleanupException) return Kind.FATAL;
            if (c instanceof RedisWriteException) return isTransientWriteError((RedisWriteException) c) ? Kind.OTHER : Kind.FATAL;
            if (c instanceof SocketException || c instanceof EOFException || c instanceof SocketTimeoutException) {
                return Kind.CONNECTION;
            }
            if (c instanceof IOException && c.getMessage() != null) {
                String m = c.getMessage().toLowerCase();
                if (m.contains("unreachable") || m.contains("connection") || m.contains("no reply")) return Kind.CONNECTION;
            }
        }
        return Kind.OTHER;
    }

    /** Error replies that may go away: out of memory, loading, busy script, read-only after a failover. */
    private static boolean isTransientWriteError(RedisWriteException e) {
        String code = e.redisError() == null ? "" : e.redisError();
        return code.startsWith("OOM") || code.startsWith("LOADING") || code.startsWith("BUSY")
                || code.startsWith("READONLY") || code.startsWith("MASTERDOWN") || code.startsWith("TRYAGAIN")
                || code.startsWith("CLUSTERDOWN");
    }

    static String rootMessage(Throwable t) {
        Throwable last = t;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException && c.getMessage() != null) return c.getMessage();
            last = c;
        }
        return String.valueOf(last.getMessage());
    }
}
