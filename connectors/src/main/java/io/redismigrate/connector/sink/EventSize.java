package io.redismigrate.connector.sink;

import io.redismigrate.connector.event.RedisEvent;

/** Bytes of keys, values and arguments an event writes (what memory bounds and byte rates count). */
final class EventSize {
    private EventSize() {}

    static long bytes(RedisEvent e) {
        if (e.kind() == RedisEvent.Kind.RESTORE) return e.key().length + e.payload().length;
        long n = 0;
        if (e.kind() == RedisEvent.Kind.TRANSACTION) {
            for (byte[][] c : e.commands()) n += of(c);
        } else if (e.args() != null) {
            n = of(e.args());
        }
        return n;
    }

    private static long of(byte[][] args) {
        long n = 0;
        for (byte[] a : args) n += a.length;
        return n;
    }
}
