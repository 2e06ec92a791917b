package io.redismigrate.connector.sink;

import io.redismigrate.connector.event.RedisEvent;

import java.io.Serializable;

/**
 * Rate limits of one sink writer (--full-rps/--full-mbps for snapshot writes, --incr-rps/--incr-mbps for stream
 * writes): token buckets of commands and bytes that may go into debt; {@link #delayNanos} says how long the writer
 * must wait before the next event so that, on average, it stays under both rates. A bucket holds at most 100 ms
 * worth of tokens, so an idle writer cannot burst far above the limit afterwards.
 */
final class Throttle {
    private static final double BURST_SECONDS = 0.1;

    /** Limits per second for the whole job (0 = none); each of {@code n} writers takes a 1/n share. */
    static final class Rates implements Serializable {
        private static final long serialVersionUID = 1L;
        static final Rates NONE = new Rates(0, 0, 0, 0);

        final double snapshotCommands;
        final double snapshotBytes;
        final double streamCommands;
        final double streamBytes;

        Rates(double snapshotCommands, double snapshotBytes, double streamCommands, double streamBytes) {
            this.snapshotCommands = snapshotCommands;
            this.snapshotBytes = snapshotBytes;
            this.streamCommands = streamCommands;
            this.streamBytes = streamBytes;
        }

        boolean none() {
            return snapshotCommands <= 0 && snapshotBytes <= 0 && streamCommands <= 0 && streamBytes <= 0;
        }
    }

    private final Bucket snapshotCommands;
    private final Bucket snapshotBytes;
    private final Bucket streamCommands;
    private final Bucket streamBytes;

    Throttle(Rates rates, int writers, long nowNanos) {
        int n = Math.max(1, writers);
        this.snapshotCommands = new Bucket(rates.snapshotCommands / n, nowNanos);
        this.snapshotBytes = new Bucket(rates.snapshotBytes / n, nowNanos);
        this.streamCommands = new Bucket(rates.streamCommands / n, nowNanos);
        this.streamBytes = new Bucket(rates.streamBytes / n, nowNanos);
    }

    /** Takes the event's commands and bytes; returns how long to wait before writing more (0: go on). */
    long delayNanos(RedisEvent e, long nowNanos) {
        long commands;
        if (e.kind() == RedisEvent.Kind.RESTORE) {
            commands = 1;
        } else if (e.kind() == RedisEvent.Kind.TRANSACTION) {
            commands = e.commands().length;
        } else if (e.args() != null) {
            commands = 1;
        } else {
            return 0;
        }
        long bytes = EventSize.bytes(e);
        Bucket c = e.stream() ? streamCommands : snapshotCommands;
        Bucket b = e.stream() ? streamBytes : snapshotBytes;
        return Math.max(c.take(commands, nowNanos), b.take(bytes, nowNanos));
    }

    /** Tokens per second; the balance may go negative, which is the wait. */
    private static final class Bucket {
        private final double perNano;
        private final double max;
        private double tokens;
        private long last;

        Bucket(double perSecond, long nowNanos) {
            this.perNano = perSecond / 1e9;
            this.max = Math.max(1, perSecond * BURST_SECONDS);
            this.tokens = max;
            this.last = nowNanos;
        }

        long take(long amount, long nowNanos) {
            if (perNano <= 0) return 0;
            tokens = Math.min(max, tokens + (nowNanos - last) * perNano);
            last = nowNanos;
            tokens -= amount;
            return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perNano);
        }
    }
}
